// Fixtures of the 名簿連携 and 連携状況 screens: a Shift_JIS roster with two rejected rows and
// one warned row, its diff, the applied sync, and the status of さくら電機健康保険組合.
import type { RosterDiffView } from "../bindings/RosterDiffView";
import type { RosterInspection } from "../bindings/RosterInspection";
import type { RosterSyncView } from "../bindings/RosterSyncView";
import type { RosterValidation } from "../bindings/RosterValidation";
import type { SyncOverview } from "../bindings/SyncOverview";

const FIELDS: [string, string, boolean][] = [
  ["insurer_number", "保険者番号", true],
  ["symbol", "記号", false],
  ["number", "番号", true],
  ["branch", "枝番", false],
  ["kanji_name", "漢字氏名", false],
  ["kana_name", "カナ氏名", true],
  ["sex", "性別", false],
  ["birth_date", "生年月日", true],
  ["relationship", "本人家族区分", true],
  ["relation_name", "続柄", false],
  ["acquired_on", "資格取得日", false],
  ["lost_on", "資格喪失日", false],
  ["voluntary_continuation", "任意継続", false],
  ["special_retiree", "特例退職", false],
  ["postal_code", "郵便番号", false],
  ["address", "住所", false],
];

export const inspection: RosterInspection = {
  path: "/home/admin/Documents/sakura.csv",
  fileName: "sakura.csv",
  sizeBytes: 2048,
  detectedEncoding: "shiftJis",
  options: {
    kind: "csv",
    encoding: null,
    eraCodes: [1, 2, 3, 4, 5],
    hasHeader: true,
    columns: FIELDS.map(([field], column) => ({ column, field })),
    recordLength: null,
    skipRecords: 0,
    fixedFields: [],
  },
  saved: false,
  header: FIELDS.map(([, label]) => label),
  preview: [["06141378", "9001", "0000001", "00", "山田 一", "ﾔﾏﾀﾞﾊｼﾞﾒ", "1", "1980-01-01"]],
  proposedColumns: FIELDS.map(([field], column) => ({ column, field })),
  fields: FIELDS.map(([id, label, required]) => ({ id, label, required })),
};

export const validation: RosterValidation = {
  fileName: "sakura.csv",
  encoding: "shiftJis",
  contentHash: "a".repeat(64),
  records: 5,
  accepted: 3,
  rejected: 2,
  warned: 1,
  byCode: [{ code: "ROSTER_KANA_HALF_WIDTH", label: "カナ氏名に半角カナがあります", count: 1 }],
  rows: [
    {
      row: 2,
      rejected: true,
      problems: [
        {
          code: "ROSTER_KANA_HALF_WIDTH",
          field: "カナ氏名",
          column: 6,
          severity: "error",
          message: "カナ氏名の1文字目「ﾔ」は半角カナです",
        },
        {
          code: "ROSTER_KANA_HALF_WIDTH",
          field: "カナ氏名",
          column: 6,
          severity: "error",
          message: "カナ氏名の2文字目「ﾏ」は半角カナです",
        },
      ],
    },
    {
      row: 3,
      rejected: true,
      problems: [
        { code: "ROSTER_INSURER_CHECK_DIGIT", field: "保険者番号", column: 1, severity: "error", message: "保険者番号の検証番号が一致しません" },
      ],
    },
    {
      row: 4,
      rejected: false,
      problems: [
        { code: "ROSTER_CHAR_IBM_EXTENSION", field: "漢字氏名", column: 5, severity: "warning", message: "漢字氏名の1文字目「髙」はIBM拡張文字です" },
      ],
    },
  ],
  rowsTruncated: false,
  suggestedReportPath: "/home/admin/Documents/sakura_エラーレポート.csv",
};

export function diffPage(kind: RosterDiffView["kind"]): RosterDiffView {
  const counts = { added: 2, changed: 1, lost: 1, unchanged: 0, duplicates: 0 };
  const key = { insurer_number: "06141378", symbol: "9001", branch: "00" };
  const entries: RosterDiffView["entries"] =
    kind === "changed"
      ? [
          {
            kind: "changed",
            key: { ...key, number: "5000001" },
            kana_name: "メイボイア",
            kanji_name: "名簿 1号",
            changes: [{ field: "address", label: "住所", before: "東京都千代田区", after: "大阪府大阪市北区" }],
            lost_reason: null,
            lost_on: null,
          },
        ]
      : kind === "lost"
        ? [
            {
              kind: "lost",
              key: { ...key, number: "5000000" },
              kana_name: "メイボア",
              kanji_name: "名簿 0号",
              changes: [],
              lost_reason: "absent",
              lost_on: null,
            },
          ]
        : [
            { kind: "added", key: { ...key, number: "0000003" }, kana_name: "タカハシミツ", kanji_name: "髙橋 三", changes: [], lost_reason: null, lost_on: null },
            { kind: "added", key: { ...key, number: "0000004" }, kana_name: "ジュウショナシ", kanji_name: "住所 なし", changes: [], lost_reason: null, lost_on: null },
          ];
  return { upload_id: 7, counts, kind, total: entries.length, offset: 0, limit: 50, entries };
}

export const applied: RosterSyncView = {
  id: 3,
  insurer_id: 2,
  upload_id: 7,
  operator_id: 5,
  applied_at: "2026-11-24T01:00:00Z",
  file_name: "sakura.csv",
  total_rows: 3,
  rejected_rows: 2,
  counts: { added: 2, changed: 1, lost: 1, unchanged: 0, duplicates: 0 },
  roster_size: 152,
};

export const overview: SyncOverview = {
  insurers: [
    { insurer_id: 1, insurer_name: "DeSC健康保険組合", last_sync_at: null, roster_size: 120, rejected_rows: 0, new_members: 4, unmatched_attempts: 9 },
    { insurer_id: 2, insurer_name: "さくら電機健康保険組合", last_sync_at: "2026-11-24T01:00:00Z", roster_size: 152, rejected_rows: 2, new_members: 3, unmatched_attempts: 5 },
  ],
  detail: {
    insurer_id: 1,
    insurer_name: "DeSC健康保険組合",
    last_sync: null,
    roster_size: 120,
    rejected_by_reason: [],
    new_members: 4,
    new_member_list: [{ member_id: 11, name_kana: "イシイレン", qualified_on: "2026-10-01", synced: false }],
    unmatched_attempts: [
      { code: "name_small_kana", label: "小書きカナの違い", attempts: 6, accounts: 2, unresolved_accounts: 1 },
    ],
    series: [
      { date: "2026-11-22", roster_size: null, failed_attempts: 1 },
      { date: "2026-11-23", roster_size: 118, failed_attempts: 3 },
      { date: "2026-11-24", roster_size: 120, failed_attempts: 0 },
    ],
  },
  history: [],
};

export const sakuraOverview: SyncOverview = {
  insurers: overview.insurers,
  detail: {
    insurer_id: 2,
    insurer_name: "さくら電機健康保険組合",
    last_sync: applied,
    roster_size: 152,
    rejected_by_reason: [{ code: "ROSTER_KANA_HALF_WIDTH", label: "カナ氏名に半角カナ", count: 1 }],
    new_members: 3,
    new_member_list: [],
    unmatched_attempts: [],
    series: [{ date: "2026-11-24", roster_size: 152, failed_attempts: 2 }],
  },
  history: [applied],
};
