// English UI strings. Typed as the Japanese dictionary's shape, so a missing or extra key is
// a type error (and the i18n test checks the same at run time).
import type { Dictionary } from "./ja";

export const en: Dictionary = {
  app: {
    name: "KenCoM Desk",
    tagline: "Help desk and health insurance society console",
    skipToContent: "Skip to main content",
    navLabel: "Screens",
    shortcut: "Alt+{n}",
  },
  screens: {
    inquiries: {
      title: "Inquiries",
      summary: "Take inquiries sent through the portal's inquiry form and work them as cases.",
    },
    members: {
      title: "Member search",
      summary: "Find members by kana name, date of birth, card symbol and number, or e-mail.",
    },
    roster: {
      title: "Roster sync",
      summary: "Upload the insurer's roster file and check its sync with the portal.",
    },
    postcards: {
      title: "Postcard printing",
      summary: "Create and print the checkup access code reissue postcards, run by run.",
    },
    audit: {
      title: "Audit log",
      summary: "Review reads and changes of member data and verify the log has not been altered.",
    },
    settings: {
      title: "Settings",
      summary: "Application information and display language.",
    },
  },
  comingSoon: {
    badge: "Coming soon",
    body: "This feature is in preparation (planned for Issue #{issue}).",
  },
  status: {
    label: "Status",
    operator: "Operator",
    notSignedIn: "Not signed in",
    role: "Role",
    noRole: "None",
    server: "Central server",
    disconnected: "Not connected",
  },
  settings: {
    appInfoHeading: "Application",
    version: "Version",
    dataDir: "Data directory",
    keychain: "Keychain",
    keychainAvailable: "Available ({backend})",
    keychainUnavailable: "Unavailable",
    remedy: "What to do",
    centralUrl: "Central server URL",
    notConfigured: "Not configured",
    loading: "Loading…",
    loadFailed: "Could not load application information",
    errorCode: "Error code",
    retry: "Retry",
    languageHeading: "Display language",
    languageLabel: "表示言語 / Language",
  },
  language: {
    ja: "日本語",
    en: "English",
  },
};
