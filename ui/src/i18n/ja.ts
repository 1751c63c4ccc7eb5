// Japanese UI strings — the default language and the source of truth for the dictionary
// shape: en.ts is typed as `Dictionary`, so a key missing there fails type-check.
// Placeholders are written {name} and filled by format() in ./index.svelte.ts.

export const ja = {
  app: {
    name: "KenCoM Desk",
    tagline: "ヘルプデスク・健保組合コンソール",
    skipToContent: "メインコンテンツへスキップ",
    navLabel: "画面",
    shortcut: "Alt+{n}",
  },
  screens: {
    inquiries: {
      title: "問い合わせ",
      summary: "ポータルの問い合わせフォームから届いた問い合わせを受け付け、ケースとして対応します。",
    },
    members: {
      title: "会員検索",
      summary: "氏名（カナ）・生年月日・記号番号・メールアドレスなどで会員を検索します。",
    },
    roster: {
      title: "名簿連携",
      summary: "健康保険組合の名簿ファイルを取り込み、ポータルとの連携状況を確認します。",
    },
    postcards: {
      title: "はがき印刷",
      summary: "健診閲覧コード再発行のはがきを印刷単位ごとに作成・印刷します。",
    },
    audit: {
      title: "監査ログ",
      summary: "会員情報の閲覧と更新の記録を確認し、改ざんがないことを検証します。",
    },
    settings: {
      title: "設定",
      summary: "アプリの情報と表示言語を設定します。",
    },
  },
  comingSoon: {
    badge: "準備中",
    body: "この機能は準備中です（Issue #{issue} で提供予定）",
  },
  status: {
    label: "ステータス",
    operator: "オペレーター",
    notSignedIn: "未ログイン",
    role: "権限",
    noRole: "なし",
    server: "中央サーバー",
    disconnected: "未接続",
  },
  settings: {
    appInfoHeading: "アプリ情報",
    version: "バージョン",
    dataDir: "データ保存先",
    keychain: "キーチェーン",
    keychainAvailable: "利用可能（{backend}）",
    keychainUnavailable: "利用できません",
    remedy: "対処方法",
    centralUrl: "中央サーバー URL",
    notConfigured: "未設定",
    loading: "読み込み中…",
    loadFailed: "アプリ情報を取得できませんでした",
    errorCode: "エラーコード",
    retry: "再試行",
    languageHeading: "表示言語",
    languageLabel: "表示言語 / Language",
  },
  language: {
    ja: "日本語",
    en: "English",
  },
};

export type Dictionary = typeof ja;
