// Realistic desk data for tests: one agent, a queue of the seed's demo inquiries, a case
// before and after a member is linked, and search results. Shapes come from the generated
// bindings, so a contract change breaks here first.
import type { CaseDetail } from "../bindings/CaseDetail";
import type { DeskStatus } from "../bindings/DeskStatus";
import type { InquiryView } from "../bindings/InquiryView";
import type { MemberDetail } from "../bindings/MemberDetail";
import type { MemberPage } from "../bindings/MemberPage";
import type { MemberSummary } from "../bindings/MemberSummary";
import type { OperatorInfo } from "../bindings/OperatorInfo";
import type { QueuePage } from "../bindings/QueuePage";
import type { SessionView } from "../bindings/SessionView";

export const agent: OperatorInfo = {
  id: 7,
  login_id: "agent01",
  display_name: "窓口 一郎",
  role: "agent",
  insurer_id: null,
};

export const signedIn: SessionView = {
  operator: agent,
  centralUrl: "https://central.example.jp",
  notice: null,
};

export const signedOut: SessionView = {
  operator: null,
  centralUrl: "https://central.example.jp",
  notice: null,
};

export const onlineStatus: DeskStatus = { operator: agent, online: true, waiting: 0, rejected: [] };

export function inquiry(over: Partial<InquiryView> = {}): InquiryView {
  return {
    id: 31,
    received_at: "2026-11-22T02:00:00Z",
    name_kana: "ケンコウタロウ",
    name_key: "ケンコウタロウ",
    email: "kenko.taro@example.jp",
    email_issues: [],
    insurer_name: "ケンコム健康保険組合",
    birth_date_raw: "S35.1.1",
    birth_date: "1960-01-01",
    inquiry_type: "checkup_code",
    body: "健診結果を見ようとしたら閲覧コードのはがきを無くしてしまいました。",
    app_version: "4.12.0",
    device_name: "iPhone 15",
    os_version: "iOS 18.1",
    sp_browser: "Safari",
    status: "new",
    case_id: null,
    claimed_by: null,
    ...over,
  };
}

export const queue: QueuePage = {
  items: [
    { inquiry: inquiry(), businessAgeMinutes: 200, businessAge: "3時間20分", mine: false },
    {
      inquiry: inquiry({
        id: 32,
        name_kana: "ｹﾝｺｳﾊﾅｺ",
        name_key: "ケンコウハナコ",
        inquiry_type: "registration",
        status: "claimed",
        case_id: 90,
        claimed_by: "窓口 二郎",
      }),
      businessAgeMinutes: 45,
      businessAge: "45分",
      mine: false,
    },
    {
      inquiry: inquiry({
        id: 33,
        name_kana: "ヤマダイチロウ",
        inquiry_type: "mystery",
        status: "claimed",
        case_id: 91,
        claimed_by: "窓口 一郎",
      }),
      businessAgeMinutes: 10,
      businessAge: "10分",
      mine: true,
    },
  ],
  total: 3,
  page: 1,
  perPage: 20,
  deskOpen: false,
};

export const taro: MemberSummary = {
  id: 501,
  insurer_id: 1,
  name_kanji: "健康 太郎",
  name_kana: "ケンコウ タロウ",
  birth_date: "1960-01-01",
  insurer_number: "06139999",
  card_symbol_masked: "1**",
  card_number_masked: "****567",
  relation: "insured",
  account_state: "active",
  email_masked: "k***@example.jp",
};

export const taroDetail: MemberDetail = {
  member: taro,
  insurer_name: "ケンコム健康保険組合",
  voluntary_continuation: false,
  special_retiree: false,
  qualified_on: "2010-04-01",
  disqualified_on: null,
  synced: true,
  address_masked: "〒1**-**** 東京都***",
  account: {
    id: 9001,
    state: "active",
    email_masked: "k***@example.jp",
    locked_until: null,
    failed_logins: 0,
    activated_at: "2026-03-02T01:00:00Z",
  },
  timeline: [
    { at: "2026-03-01T01:00:00Z", kind: "registered", summary: "仮登録", details: [] },
    {
      at: "2026-03-02T01:00:00Z",
      kind: "activated",
      summary: "本登録（保険証照会完了）",
      details: ["メール: k***@example.jp"],
    },
    {
      at: "2026-11-20T01:00:00Z",
      kind: "eligibility_attempt",
      summary: "保険証照会エラー（別アカウント）",
      details: ["以前、別のメールアドレスにて保険証照会を完了しています"],
    },
  ],
};

const causeAlreadyVerified = {
  code: "already_verified",
  title_ja: "別のメールアドレスで登録済み",
  evidence: ["2026/03/02 に別のメールアドレスで保険証照会を完了しています"],
  suggested_reply_ja:
    "以前に別のメールアドレスでご登録が完了しております。そのメールアドレスでログインしてください。",
};

export const caseUnlinked: CaseDetail = {
  case: {
    id: 90,
    inquiry: inquiry({ status: "claimed", case_id: 90, claimed_by: "窓口 一郎" }),
    claimed_by: 7,
    member_id: null,
    status: "open",
    resolution: null,
    created_at: "2026-11-22T03:00:00Z",
    notes: [],
    verifications: [],
    reissues: [],
  },
  checks: {
    nameKey: "ケンコウタロウ",
    nameFolds: ["小書き差異"],
    nameIsKatakana: true,
    birthDate: "1960年1月1日（昭和35年1月1日）",
    birthDateError: null,
    emailIssues: [],
  },
  inquiryDiagnosis: {
    member_id: null,
    causes: [],
    candidates: [{ member: taro, score: 90, reasons: ["カナ氏名一致", "生年月日一致"] }],
  },
  member: null,
  memberDiagnosis: null,
  latestVerification: null,
  actionsUnlocked: false,
  pending: [],
  businessAge: "1時間5分",
};

export const caseLinked: CaseDetail = {
  ...caseUnlinked,
  case: { ...caseUnlinked.case, member_id: 501 },
  inquiryDiagnosis: null,
  member: taroDetail,
  memberDiagnosis: { member_id: 501, causes: [causeAlreadyVerified], candidates: [] },
};

export const caseVerified: CaseDetail = {
  ...caseLinked,
  latestVerification: {
    id: 3,
    operator_id: 7,
    member_id: 501,
    at: "2026-11-22T03:10:00Z",
    factors: [
      { factor: "name_kana", matched: true },
      { factor: "birth_date", matched: true },
      { factor: "insurer_name", matched: true },
    ],
    passed: true,
    reason: null,
  },
  actionsUnlocked: true,
};

export const memberPage: MemberPage = { items: [taro], total: 1, page: 1, per_page: 20 };
