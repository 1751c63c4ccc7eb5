//! Deterministic demo data: insurers, a roster with realistic names and addresses,
//! member accounts in every state (driven through the same flows the API uses; bulk roster
//! rows are inserted directly), the documented FAQ cases (`demo`), inquiries, and one
//! operator per role whose password and TOTP secret are printed at seed time.
//! The same `--seed` gives the same people, cases and credentials; timestamps of bulk
//! data follow the wall clock, the documented cases use fixed dates.

mod addresses;
pub mod demo;
mod names;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use kencom_api::portal::{EligibilityRequest, RegisterRequest};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clock::{Clock, Millis, SystemClock, DAY};
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::flows;
use crate::secrets::{code_hash, hash_password, hash_password_fast, new_checkup_code};
use crate::store::operators::OperatorRow;
use crate::store::roster::RosterRow;
use crate::store::sqlite::SqliteStore;
use crate::store::{Mode, Tx};

/// What to generate.
#[derive(Clone, Debug)]
pub struct SeedOptions {
    /// Roster rows (bulk; the documented demo members come on top).
    pub members: u64,
    /// Insurers (at least 4: maintenance and service-off unions are needed by the FAQ cases).
    pub insurers: u64,
    /// RNG seed.
    pub seed: u64,
}

/// Printed credentials of a demo operator.
#[derive(Clone, Debug)]
pub struct DemoOperator {
    pub login_id: String,
    pub role: String,
    pub insurer_id: Option<i64>,
    pub password: String,
    pub totp_secret: String,
}

/// What was created.
#[derive(Clone, Debug, Default)]
pub struct SeedReport {
    pub insurers: Vec<(i64, String, Vec<String>)>,
    pub roster_rows: u64,
    pub accounts: u64,
    pub operators: Vec<DemoOperator>,
    /// Member password shared by the demo accounts.
    pub member_password: String,
    /// Notable facts for the documented cases (name → fact).
    pub notes: Vec<(String, String)>,
    /// Roster rows per second during the bulk insert.
    pub rows_per_sec: f64,
    /// Reissue postcards waiting for a print run (さくら電機).
    pub pending_postcards: u64,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "seeded {} roster rows ({:.0} rows/s), {} accounts",
            self.roster_rows, self.rows_per_sec, self.accounts
        )?;
        for (id, name, numbers) in &self.insurers {
            writeln!(f, "insurer {id}: {name} [{}]", numbers.join(", "))?;
        }
        writeln!(
            f,
            "operators (password / TOTP secret, base32, SHA1, 6 digits, 30 s):"
        )?;
        for o in &self.operators {
            writeln!(
                f,
                "  {:<14} {:<14} insurer={:<4} password={} totp_secret={}",
                o.login_id,
                o.role,
                o.insurer_id
                    .map(|i| i.to_string())
                    .unwrap_or_else(|| "-".into()),
                o.password,
                o.totp_secret
            )?;
        }
        writeln!(f, "demo member accounts password: {}", self.member_password)?;
        for (k, v) in &self.notes {
            writeln!(f, "  {k}: {v}")?;
        }
        Ok(())
    }
}

/// Open (creating) the database at `path` and seed it with `cfg`'s secrets (the CLI passes
/// the ones derived from the server's master key).
pub fn seed_file(path: &Path, cfg: &Config, opts: &SeedOptions) -> ApiResult<SeedReport> {
    let store = SqliteStore::open(path)?;
    seed(&store, cfg, &SystemClock, opts)
}

fn alnum(rng: &mut StdRng, n: usize) -> String {
    const A: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..n)
        .map(|_| A[rng.gen_range(0..A.len())] as char)
        .collect()
}

fn base32_secret(rng: &mut StdRng) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    (0..32)
        .map(|_| A[rng.gen_range(0..A.len())] as char)
        .collect()
}

/// An insurer number with a valid check digit: law code + prefecture + 3-digit serial.
pub fn insurer_number(law: &str, pref: &str, serial: u32) -> String {
    let body = format!("{law}{pref}{:03}", serial % 1000);
    format!("{body}{}", kencom_domain::check_digit(&body).unwrap_or(0))
}

const UNION_NAMES: &[&str] = &[
    "DeSC健康保険組合",
    "さくら電機健康保険組合",
    "みなと物産健康保険組合",
    "あおば情報システム健康保険組合",
    "ひかり製薬健康保険組合",
    "つばさ運輸健康保険組合",
    "やまと建設健康保険組合",
    "かもめ食品健康保険組合",
];

/// Seed into an open store.
pub fn seed(
    store: &Arc<SqliteStore>,
    cfg: &Config,
    clock: &dyn Clock,
    opts: &SeedOptions,
) -> ApiResult<SeedReport> {
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let now = clock.now();
    let mut report = SeedReport {
        member_password: "kencom2026".into(),
        ..Default::default()
    };

    // Insurers. The first is the seed's example union (06133425) with a 特例退職 number;
    // the third is in maintenance now; the fourth has not introduced KenCoM. Only the
    // first prints reissue postcards at the desk.
    let n_insurers = opts.insurers.max(4) as usize;
    let insurers: Vec<(i64, Vec<String>)> = store.run_blocking(Mode::Write, |tx| {
        let mut out = Vec::new();
        for i in 0..n_insurers {
            let name = UNION_NAMES
                .get(i)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("第{}共同健康保険組合", i + 1));
            let (postal, addr) = addresses::address(i as u32 * 7, 1, 2, 4);
            let id = tx.insert_insurer(&name, i != 3, &postal, &format!("{addr} {name}"), now)?;
            let primary = if i == 0 {
                "06133425".to_string()
            } else {
                insurer_number("06", &format!("{:02}", 13 + (i % 30)), 100 + i as u32 * 37)
            };
            tx.add_insurer_number(id, &primary, "primary")?;
            let mut numbers = vec![primary];
            if i == 0 {
                // The example union lets the help desk print reissue postcards at once;
                // the others collect them in print runs.
                tx.set_desk_prints_postcards(id, true)?;
                let sr = insurer_number("63", "13", 342);
                tx.add_insurer_number(id, &sr, "special_retiree")?;
                numbers.push(sr);
            }
            if i == 2 {
                tx.add_maintenance(
                    id,
                    now - 3_600_000,
                    now + 365 * DAY,
                    "KenCoMメンテナンス（名簿更新）",
                    now,
                )?;
            }
            out.push((id, numbers));
        }
        Ok(out)
    })?;
    for (id, nums) in &insurers {
        let name = store.run_blocking(Mode::Read, |tx| {
            Ok(tx
                .get_insurer(&crate::store::Scope::All, *id)?
                .map(|i| i.name)
                .unwrap_or_default())
        })?;
        report.insurers.push((*id, name, nums.clone()));
    }

    // Operators: one per role (+ an admin of the second union for isolation demos).
    let ops = [
        ("agent01", "agent", None, "窓口 一郎"),
        ("agent02", "agent", None, "窓口 二郎"),
        ("super01", "supervisor", None, "監督 花子"),
        (
            "admin-desc",
            "insurer_admin",
            Some(insurers[0].0),
            "DeSC健保 管理者",
        ),
        (
            "admin-sakura",
            "insurer_admin",
            Some(insurers[1].0),
            "さくら電機健保 管理者",
        ),
    ];
    for (login, role, insurer, name) in ops {
        let password = alnum(&mut rng, 12);
        let secret = base32_secret(&mut rng);
        let hash = hash_password(&password).map_err(|_| ApiError::internal("hash"))?;
        let row = OperatorRow {
            id: 0,
            login_id: login.into(),
            display_name: name.into(),
            role: role.into(),
            insurer_id: insurer,
            password_hash: hash,
            totp_secret: cfg.totp_key.seal(login, &secret),
        };
        store.run_blocking(Mode::Write, |tx| Ok(tx.insert_operator(&row, now)?))?;
        report.operators.push(DemoOperator {
            login_id: login.into(),
            role: role.into(),
            insurer_id: insurer,
            password,
            totp_secret: secret,
        });
    }

    // Bulk roster: households sharing 記号・番号 (dependents differ by 枝番).
    let started = std::time::Instant::now();
    let mut inserted = 0u64;
    let mut insured_ids: Vec<(i64, usize)> = Vec::new();
    let batch = 20_000u64;
    let mut serial = 1u64;
    while inserted < opts.members {
        let target = (opts.members - inserted).min(batch);
        let (rows, ids) = store.run_blocking(Mode::Write, |tx| {
            let mut made = 0u64;
            let mut ids = Vec::new();
            while made < target {
                let k = rng.gen_range(0..100u32);
                let ins = if k < 40 {
                    0
                } else {
                    1 + (k as usize % (n_insurers - 1))
                };
                let household = household(&mut rng, &insurers[ins], ins, serial, now);
                serial += 1;
                for (j, row) in household.into_iter().enumerate() {
                    if made >= target {
                        break;
                    }
                    let id = tx.insert_roster_member(&row)?;
                    if j == 0
                        && row.synced_at.is_some()
                        && !row.voluntary_continuation
                        && row.disqualified_on.is_none()
                    {
                        ids.push((id, ins));
                        // Every insured person on the portal got an initial code postcard.
                        let code = new_checkup_code(&mut rng);
                        tx.insert_code(
                            id,
                            &code_hash(&cfg.code_pepper, &code),
                            "initial",
                            now - 200 * DAY,
                        )?;
                    }
                    made += 1;
                }
            }
            Ok((made, ids))
        })?;
        inserted += rows;
        insured_ids.extend(ids);
    }
    report.roster_rows = inserted;
    report.rows_per_sec = inserted as f64 / started.elapsed().as_secs_f64().max(1e-9);

    // Accounts in every state, through the real flows (fast argon2 parameters for bulk).
    let member_hash =
        hash_password_fast(&report.member_password).map_err(|_| ApiError::internal("hash"))?;
    let n_accounts = (insured_ids.len() / 3).min(3000);
    for (n, (member_id, ins)) in insured_ids.iter().take(n_accounts).enumerate() {
        if *ins == 2 || *ins == 3 {
            continue; // maintenance / service-off unions cannot complete registration
        }
        let email = if n % 7 == 0 {
            format!("Member{member_id}@Example.jp")
        } else {
            format!("member{member_id}@example.jp")
        };
        let stage = match n % 20 {
            0 | 1 => 1, // provisional
            2 => 2,     // email confirmed
            3 => 3,     // eligibility checked, not confirmed
            _ => 4,     // active
        };
        let t0 = now - (30 + (n as i64 % 300)) * DAY;
        store.run_blocking(Mode::Write, |tx| {
            let m = tx
                .get_member(&crate::store::Scope::All, *member_id)?
                .ok_or_else(|| ApiError::internal("member"))?;
            drive(tx, cfg, t0, &email, &member_hash, &m, stage)?;
            Ok(())
        })?;
        report.accounts += 1;
    }

    // Reissue postcards waiting for さくら電機's next print run (its admin's demo).
    let waiting: Vec<i64> = insured_ids
        .iter()
        .filter(|(_, ins)| *ins == 1)
        .map(|(id, _)| *id)
        .take(12)
        .collect();
    store.run_blocking(Mode::Write, |tx| {
        for (k, member_id) in waiting.iter().enumerate() {
            let at = now - (k as i64 + 1) * DAY / 3;
            for old in tx.codes_for_member(*member_id)? {
                tx.revoke_code(old.id, at)?;
            }
            let code = new_checkup_code(&mut rng);
            let id = tx.insert_code(
                *member_id,
                &code_hash(&cfg.code_pepper, &code),
                "reissue",
                at,
            )?;
            tx.insert_postcard(insurers[1].0, *member_id, id, &code, false, at)?;
        }
        Ok(())
    })?;
    report.pending_postcards = waiting.len() as u64;

    let notes = demo::seed_cases(store, cfg, now, &insurers, &member_hash, &mut rng)?;
    report.accounts += notes.accounts;
    report.notes = notes.notes;
    Ok(report)
}

/// Card inputs as a member types them for a roster row.
pub fn typed(m: &RosterRow, insurer_number: &str) -> EligibilityRequest {
    EligibilityRequest {
        symbol: m.card_symbol.clone(),
        number: m.card_number_key.clone(),
        insurer_number: insurer_number.into(),
        name_kana: m.name_kana.clone(),
        birth_date: m.birth_date.clone(),
    }
}

/// Drive a member through registration up to `stage` (1 provisional, 2 e-mail confirmed,
/// 3 eligibility checked, 4 active). Returns the account id.
pub fn drive(
    tx: &mut dyn Tx,
    cfg: &Config,
    t0: Millis,
    email: &str,
    hash: &str,
    m: &RosterRow,
    stage: u8,
) -> ApiResult<i64> {
    let req = RegisterRequest {
        email: email.into(),
        password: String::new(),
        invitation_code: None,
        consent_terms: true,
        consent_privacy: true,
    };
    let (_, token) = flows::registration::register(tx, cfg, t0, &req, hash)?;
    let account = tx
        .account_by_email(email)?
        .ok_or_else(|| ApiError::internal("account"))?
        .id;
    if stage >= 2 {
        flows::registration::activate(tx, cfg, t0 + 600_000, &token)?;
    }
    if stage >= 3 {
        let _ = flows::eligibility::check(tx, t0 + 900_000, account, &typed(m, &m.insurer_number))?;
    }
    if stage >= 4 {
        flows::eligibility::confirm(tx, t0 + 1_000_000, account)?;
    }
    Ok(account)
}

fn date(rng: &mut StdRng, from_year: i32, to_year: i32) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        rng.gen_range(from_year..=to_year),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28)
    )
}

fn household(
    rng: &mut StdRng,
    insurer: &(i64, Vec<String>),
    ins: usize,
    serial: u64,
    now: Millis,
) -> Vec<RosterRow> {
    let (sur_k, sur_kana) = names::pick(names::SURNAMES, rng.gen());
    let male = rng.gen_bool(0.55);
    let (given_k, given_kana) =
        names::pick(if male { names::MALE } else { names::FEMALE }, rng.gen());
    let symbols = ["11", "12", "21", "105", "3001", "東"];
    let symbol = symbols[(ins + rng.gen_range(0..3)) % symbols.len()].to_string();
    // Mostly short numbers, some with leading zeros, a few of 8 digits (last-7 rule).
    let number = match rng.gen_range(0..100) {
        0..=3 => format!("{:08}", 10_000_000 + serial),
        4..=15 => format!("{:04}", serial % 10_000),
        _ => (serial % 1_000_000 + 1).to_string(),
    };
    let key = kencom_domain::CardNumber::parse(&number)
        .map(|n| n.eligibility_key().to_string())
        .unwrap_or_else(|_| number.clone());
    let (postal, address) = addresses::address(rng.gen(), rng.gen(), rng.gen(), rng.gen());
    let roll = rng.gen_range(0..100);
    let special = ins == 0 && roll < 2;
    let unsynced = roll == 2;
    let qualified = if unsynced {
        crate::clock::jst_date(now - 20 * DAY)
    } else {
        date(rng, 1985, 2024)
    };
    let base = RosterRow {
        id: 0,
        insurer_id: insurer.0,
        insurer_number: if special {
            insurer
                .1
                .get(1)
                .cloned()
                .unwrap_or_else(|| insurer.1[0].clone())
        } else {
            insurer.1[0].clone()
        },
        card_symbol: symbol,
        card_number: number,
        card_number_key: key,
        branch: "00".into(),
        name_kanji: format!("{sur_k}　{given_k}"),
        name_kana: format!("{sur_kana}{given_kana}"),
        kana_key: kencom_domain::name_key(&format!("{sur_kana}{given_kana}")).key,
        birth_date: date(rng, 1955, 2003),
        sex: if male { "1".into() } else { "2".into() },
        relation: "insured".into(),
        voluntary_continuation: (3..5).contains(&roll),
        special_retiree: special,
        qualified_on: qualified,
        disqualified_on: (roll == 5).then(|| "2026-03-31".to_string()),
        synced_at: if unsynced {
            None
        } else {
            Some(now - 100 * DAY)
        },
        postal_code: postal,
        address,
        relation_name: "本人".into(),
    };
    let mut out = vec![base.clone()];
    let dependents = match rng.gen_range(0..10) {
        0..=5 => 0,
        6..=7 => 1,
        8 => 2,
        _ => 3,
    };
    for d in 0..dependents {
        let (gk, gkana) = names::pick(
            if d == 0 && male {
                names::FEMALE
            } else if d == 0 {
                names::MALE
            } else {
                if rng.gen_bool(0.5) {
                    names::MALE
                } else {
                    names::FEMALE
                }
            },
            rng.gen(),
        );
        let kana = format!("{sur_kana}{gkana}");
        out.push(RosterRow {
            branch: format!("{:02}", d + 1),
            name_kanji: format!("{sur_k}　{gk}"),
            kana_key: kencom_domain::name_key(&kana).key,
            name_kana: kana,
            birth_date: if d == 0 {
                date(rng, 1955, 2000)
            } else {
                date(rng, 2005, 2024)
            },
            relation: "dependent".into(),
            relation_name: if d == 0 { "配偶者" } else { "子" }.into(),
            voluntary_continuation: false,
            special_retiree: false,
            ..base.clone()
        });
    }
    out
}
