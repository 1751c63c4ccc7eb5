import type { KeychainStatus } from "./KeychainStatus";

export type AppInfo = { version: string, dataDir: string, keychain: KeychainStatus, centralUrl: string | null, };
