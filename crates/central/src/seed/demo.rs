//! The documented demo members: one per FAQ cause (see docs/demo-data.md), each created by
//! driving the member-facing flows with what the member typed, at fixed dates, so the
//! recorded attempts — and therefore the diagnosis evidence — are the same on every seed.

use std::sync::Arc;

use kencom_api::portal::{
    ClientKind, EligibilityRequest, InquiryRequest, InquiryType, MemberLoginRequest,
};
use rand::rngs::StdRng;

use crate::clock::{Millis, DAY};
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::flows;
use crate::secrets::code_hash;
use crate::seed::drive;
use crate::store::roster::RosterRow;
use crate::store::sqlite::SqliteStore;
use crate::store::{Mode, Tx};

/// What the demo cases produced.
pub struct DemoNotes {
    pub accounts: u64,
    pub notes: Vec<(String, String)>,
}

/// JST wall time → unix ms.
pub fn jst(s: &str) -> Millis {
    chrono::DateTime::parse_from_rfc3339(&format!("{s}+09:00"))
        .map(|t| t.timestamp_millis())
        .unwrap_or(0)
}

/// The checkup code of 健康 太郎 (printed; only its hash is stored).
pub const TARO_CODE: &str = "KNCM2345TARO";

struct Person<'a> {
    kanji: &'a str,
    kana: &'a str,
    birth: &'a str,
    symbol: &'a str,
    number: &'a str,
    branch: &'a str,
    relation: &'a str,
}

fn roster(
    tx: &mut dyn Tx,
    insurer: &(i64, Vec<String>),
    p: &Person,
    number_idx: usize,
    now: Millis,
    f: impl FnOnce(&mut RosterRow),
) -> ApiResult<RosterRow> {
    let key = kencom_domain::CardNumber::parse(p.number)
        .map(|n| n.eligibility_key().to_string())
        .unwrap_or_default();
    let mut row = RosterRow {
        id: 0,
        insurer_id: insurer.0,
        insurer_number: insurer.1[number_idx.min(insurer.1.len() - 1)].clone(),
        card_symbol: p.symbol.into(),
        card_number: p.number.into(),
        card_number_key: key,
        branch: p.branch.into(),
        name_kanji: p.kanji.into(),
        name_kana: p.kana.into(),
        kana_key: kencom_domain::name_key(p.kana).key,
        birth_date: p.birth.into(),
        sex: String::new(),
        relation: p.relation.into(),
        voluntary_continuation: false,
        special_retiree: false,
        qualified_on: "2015-04-01".into(),
        disqualified_on: None,
        synced_at: Some(now - 400 * DAY),
        postal_code: "1000013".into(),
        address: "東京都千代田区霞が関1丁目3番2号 郵便プラザ503室".into(),
        relation_name: String::new(),
    };
    f(&mut row);
    row.id = tx.insert_roster_member(&row)?;
    Ok(row)
}

fn person<'a>(kanji: &'a str, kana: &'a str, birth: &'a str, number: &'a str) -> Person<'a> {
    Person {
        kanji,
        kana,
        birth,
        symbol: "11",
        number,
        branch: "00",
        relation: "insured",
    }
}

fn attempt(
    tx: &mut dyn Tx,
    now: Millis,
    account: i64,
    m: &RosterRow,
    insurer_number: &str,
    edit: impl FnOnce(&mut EligibilityRequest),
) -> ApiResult<()> {
    let mut req = crate::seed::typed(m, insurer_number);
    edit(&mut req);
    let _ = flows::eligibility::check(tx, now, account, &req)?;
    Ok(())
}

/// Submit an inquiry through the form flow: [name, e-mail, union, birth date, body].
fn inquiry(tx: &mut dyn Tx, now: Millis, t: InquiryType, f: [&str; 5]) -> ApiResult<i64> {
    let [name, email, insurer, birth, body] = f;
    Ok(flows::inquiry::submit(
        tx,
        now,
        &InquiryRequest {
            name_kana: name.into(),
            email: email.into(),
            email_confirm: email.into(),
            insurer_name: insurer.into(),
            birth_date: birth.into(),
            inquiry_type: t,
            body: body.into(),
            app_version: "4.12.0".into(),
            device_name: "iPhone 15".into(),
            os_version: "iOS 18.1".into(),
            sp_browser: "Safari".into(),
            consent: true,
        },
    )?
    .inquiry_id)
}

/// Create every documented case.
pub fn seed_cases(
    store: &Arc<SqliteStore>,
    cfg: &Config,
    now: Millis,
    insurers: &[(i64, Vec<String>)],
    hash: &str,
    _rng: &mut StdRng,
) -> ApiResult<DemoNotes> {
    let mut notes = Vec::new();
    let mut accounts = 0u64;
    let desc = &insurers[0];
    let primary = desc.1[0].clone();
    store.run_blocking(Mode::Write, |tx| {
        // ① 健康 太郎: verified 2026-03-02 with kenko.taro@example.jp; tried again from another address.
        let taro = roster(
            tx,
            desc,
            &person("健康　太郎", "ケンコウタロウ", "1960-01-01", "9900001"),
            0,
            now,
            |_| {},
        )?;
        drive(
            tx,
            cfg,
            jst("2026-03-02T10:00:00"),
            "kenko.taro@example.jp",
            hash,
            &taro,
            4,
        )?;
        tx.insert_code(
            taro.id,
            &code_hash(&cfg.code_pepper, TARO_CODE),
            "initial",
            jst("2025-06-01T09:00:00"),
        )?;
        let other = drive(
            tx,
            cfg,
            jst("2026-11-20T21:00:00"),
            "taro.kenko@example.net",
            hash,
            &taro,
            2,
        )?;
        attempt(
            tx,
            jst("2026-11-20T21:10:00"),
            other,
            &taro,
            &primary,
            |_| {},
        )?;
        inquiry(
            tx,
            jst("2026-11-21T09:30:00"),
            InquiryType::Registration,
            [
                "ケンコウタロウ",
                "taro.kenko@example.net",
                "DeSC健康保険組合",
                "S35.1.1",
                "保険証を正しく入力しても照会エラーになります。",
            ],
        )?;
        inquiry(
            tx,
            jst("2026-11-22T11:00:00"),
            InquiryType::CheckupCode,
            [
                "ケンコウタロウ",
                "kenko.taro@example.jp",
                "DeSC健康保険組合",
                "1960-01-01",
                "健診閲覧コードのはがきを紛失しました。再発行をお願いします。",
            ],
        )?;
        notes.push((
            "健康 太郎 (ケンコウタロウ 1960-01-01)".into(),
            format!("cause ① already_verified; checkup code {TARO_CODE}"),
        ));
        accounts += 2;

        // 健康 花子: dependent of 太郎 (same card, 枝番 01).
        let hanako_k = roster(
            tx,
            desc,
            &Person {
                branch: "01",
                relation: "dependent",
                ..person("健康　花子", "ケンコウハナコ", "1962-03-03", "9900001")
            },
            0,
            now,
            |_| {},
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-10-01T20:00:00"),
            "hanako.kenko@example.jp",
            hash,
            &hanako_k,
            2,
        )?;
        attempt(
            tx,
            jst("2026-10-01T20:05:00"),
            a,
            &hanako_k,
            &primary,
            |_| {},
        )?;
        notes.push(("健康 花子".into(), "dependent".into()));
        accounts += 1;

        // 山田 花子: typed a full-width space.
        let m = roster(
            tx,
            desc,
            &person("山田　花子", "ヤマダハナコ", "1985-06-15", "9900204"),
            0,
            now,
            |_| {},
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-10T19:00:00"),
            "hanako.yamada@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-10T19:03:00"), a, &m, &primary, |r| {
            r.name_kana = "ヤマダ　ハナコ".into()
        })?;
        attempt(tx, jst("2026-11-10T19:05:00"), a, &m, &primary, |r| {
            r.name_kana = "ﾔﾏﾀﾞﾊﾅｺ".into()
        })?;
        inquiry(
            tx,
            jst("2026-11-11T10:15:00"),
            InquiryType::Registration,
            [
                "ヤマダ　ハナコ",
                "hanako.yamada@example.jp",
                "DeSC健保",
                "1985/6/15",
                "何度やっても照会エラーになります。",
            ],
        )?;
        notes.push(("山田 花子".into(), "name_width_or_spacing".into()));
        accounts += 1;

        // 東海林 翔太: legacy roster stores small kana large (シヨウジシヨウタ).
        let m = roster(
            tx,
            desc,
            &person("東海林　翔太", "シヨウジシヨウタ", "1978-09-30", "9900318"),
            0,
            now,
            |_| {},
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-12T22:00:00"),
            "shoji.shota@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-12T22:02:00"), a, &m, &primary, |r| {
            r.name_kana = "ショウジショウタ".into()
        })?;
        notes.push(("東海林 翔太".into(), "small_kana".into()));
        accounts += 1;

        // 高橋 美智子: the union registered her name wrongly (タカハシミツコ) — cause ②.
        let m = roster(
            tx,
            desc,
            &person("高橋　美智子", "タカハシミツコ", "1969-11-23", "9900441"),
            0,
            now,
            |_| {},
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-13T12:00:00"),
            "michiko.t@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-13T12:01:00"), a, &m, &primary, |r| {
            r.name_kana = "タカハシミチコ".into()
        })?;
        notes.push((
            "高橋 美智子".into(),
            "roster_name_mismatch (cause ②)".into(),
        ));
        accounts += 1;

        // 鈴木 一郎: card renewed (5502), roster still has 5501 — cause ②.
        let m = roster(
            tx,
            desc,
            &person("鈴木　一郎", "スズキイチロウ", "1970-02-11", "9905501"),
            0,
            now,
            |_| {},
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-14T08:00:00"),
            "ichiro.suzuki@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-14T08:04:00"), a, &m, &primary, |r| {
            r.number = "9905502".into()
        })?;
        notes.push((
            "鈴木 一郎".into(),
            "roster_number_mismatch (cause ②)".into(),
        ));
        accounts += 1;

        // 木村 拓也: his union (3rd) is in maintenance — cause ③.
        let maint = &insurers[2];
        let m = roster(
            tx,
            maint,
            &person("木村　拓也", "キムラタクヤ", "1990-12-01", "9900077"),
            0,
            now,
            |_| {},
        )?;
        // Inside the window, which the seeder opened an hour before "now".
        let a = drive(
            tx,
            cfg,
            now - 1_800_000,
            "takuya.kimura@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, now - 1_200_000, a, &m, &maint.1[0], |_| {})?;
        notes.push(("木村 拓也".into(), "insurer_maintenance (cause ③)".into()));
        accounts += 1;

        // 中村 修: 任意継続.
        let m = roster(
            tx,
            desc,
            &person("中村　修", "ナカムラオサム", "1958-05-05", "9900612"),
            0,
            now,
            |r| r.voluntary_continuation = true,
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-01T18:00:00"),
            "osamu.nakamura@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-01T18:02:00"), a, &m, &primary, |_| {})?;
        notes.push(("中村 修".into(), "voluntary_continuation".into()));
        accounts += 1;

        // 石井 蓮: newly insured, roster not yet on the portal.
        let m = roster(
            tx,
            desc,
            &person("石井　蓮", "イシイレン", "2003-08-08", "9909001"),
            0,
            now,
            |r| {
                r.synced_at = None;
                r.qualified_on = "2026-10-01".into();
            },
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-05T20:00:00"),
            "ren.ishii@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-05T20:01:00"), a, &m, &primary, |_| {})?;
        notes.push(("石井 蓮".into(), "not_yet_synced".into()));
        accounts += 1;

        // 小川 直樹: 8-digit 番号 typed in full.
        let m = roster(
            tx,
            desc,
            &person("小川　直樹", "オガワナオキ", "1988-01-20", "99240517"),
            0,
            now,
            |_| {},
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-06T07:30:00"),
            "naoki.ogawa@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-06T07:31:00"), a, &m, &primary, |r| {
            r.number = "99240517".into()
        })?;
        notes.push(("小川 直樹".into(), "number_all_digits".into()));
        accounts += 1;

        // 前田 恵子: converted 和暦 wrongly (S49 instead of S50).
        let m = roster(
            tx,
            desc,
            &person("前田　恵子", "マエダケイコ", "1975-04-10", "9900733"),
            0,
            now,
            |_| {},
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-07T13:00:00"),
            "keiko.maeda@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-07T13:02:00"), a, &m, &primary, |r| {
            r.birth_date = "S49.4.10".into()
        })?;
        notes.push(("前田 恵子".into(), "birth_date_mismatch".into()));
        accounts += 1;

        // 藤田 誠: his union has not introduced KenCoM.
        let off = &insurers[3];
        let m = roster(
            tx,
            off,
            &person("藤田　誠", "フジタマコト", "1980-10-10", "9900088"),
            0,
            now,
            |_| {},
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-08T09:00:00"),
            "makoto.fujita@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-08T09:01:00"), a, &m, &off.1[0], |_| {})?;
        notes.push(("藤田 誠".into(), "service_not_enabled".into()));
        accounts += 1;

        // 阿部 浩: lost his qualification on 2026-03-31.
        let m = roster(
            tx,
            desc,
            &person("阿部　浩", "アベヒロシ", "1961-07-07", "9900902"),
            0,
            now,
            |r| r.disqualified_on = Some("2026-03-31".into()),
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-11-09T10:00:00"),
            "hiroshi.abe@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-11-09T10:01:00"), a, &m, &primary, |_| {})?;
        notes.push(("阿部 浩".into(), "disqualified".into()));
        accounts += 1;

        // 長谷川 茂: 特例退職, registered with the card from before retirement (06… number).
        let m = roster(
            tx,
            desc,
            &person("長谷川　茂", "ハセガワシゲル", "1955-12-12", "9901101"),
            1,
            now,
            |r| r.special_retiree = true,
        )?;
        let a = drive(
            tx,
            cfg,
            jst("2026-04-01T10:00:00"),
            "shigeru.hasegawa@example.jp",
            hash,
            &m,
            2,
        )?;
        attempt(tx, jst("2026-04-01T10:02:00"), a, &m, &primary, |_| {})?;
        flows::eligibility::confirm(tx, jst("2026-04-01T10:03:00"), a)?;
        notes.push((
            "長谷川 茂".into(),
            "special retiree, active via the 06… card".into(),
        ));
        accounts += 1;

        // 岡田 愛: never opened the 24 h link (registered 3 days ago).
        let m = roster(
            tx,
            desc,
            &person("岡田　愛", "オカダアイ", "1992-07-07", "9901202"),
            0,
            now,
            |_| {},
        )?;
        drive(tx, cfg, now - 3 * DAY, "ai.okada@example.jp", hash, &m, 1)?;
        inquiry(
            tx,
            now - DAY,
            InquiryType::Registration,
            [
                "オカダアイ",
                "ai.okada@example.jp",
                "DeSC健康保険組合",
                "平成4年7月7日",
                "登録のリンクを押すとエラーになります。",
            ],
        )?;
        notes.push(("岡田 愛".into(), "activation_link_expired".into()));
        accounts += 1;

        // 後藤 健一: pressed 再送信 twice, then opened the first mail's link.
        roster(
            tx,
            desc,
            &person("後藤　健一", "ゴトウケンイチ", "1983-03-15", "9901303"),
            0,
            now,
            |_| {},
        )?;
        let t0 = now - 3_600_000;
        let req = kencom_api::portal::RegisterRequest {
            email: "kenichi.goto@example.jp".into(),
            password: String::new(),
            invitation_code: None,
            consent_terms: true,
            consent_privacy: true,
        };
        let (_, first) = flows::registration::register(tx, cfg, t0, &req, hash)?;
        flows::registration::resend(tx, cfg, t0 + 120_000, &req.email)?;
        flows::registration::resend(tx, cfg, t0 + 240_000, &req.email)?;
        let _ = flows::registration::activate(tx, cfg, t0 + 600_000, &first);
        notes.push(("後藤 健一".into(), "activation_link_superseded".into()));
        accounts += 1;

        // 近藤 由美子: locked after 10 wrong passwords from the app; wrote with a full-width ＠.
        let m = roster(
            tx,
            desc,
            &person("近藤　由美子", "コンドウユミコ", "1974-02-02", "9901404"),
            0,
            now,
            |_| {},
        )?;
        drive(
            tx,
            cfg,
            jst("2026-05-01T10:00:00"),
            "yumiko.kondo@example.jp",
            hash,
            &m,
            4,
        )?;
        // A long lock so the demo still shows it days after seeding (same flow, longer setting).
        let long_lock = Config {
            lock_duration: 30 * DAY,
            ..cfg.clone()
        };
        for i in 0..10 {
            let _ = flows::login::login(
                tx,
                &long_lock,
                now - 3_600_000 + i * 60_000,
                "203.0.113.10",
                &MemberLoginRequest {
                    email: "yumiko.kondo@example.jp".into(),
                    password: "wrongpass1".into(),
                    client: ClientKind::App,
                    captcha_id: None,
                    captcha_answer: None,
                },
            )?;
        }
        inquiry(
            tx,
            now - 1_800_000,
            InquiryType::Login,
            [
                "コンドウユミコ",
                "yumiko.kondo＠example.jp",
                "DeSC健康保険組合",
                "1974-02-02",
                "ログインできなくなりました。",
            ],
        )?;
        notes.push((
            "近藤 由美子".into(),
            "login_locked; inquiry e-mail has a full-width ＠ (email_mistake)".into(),
        ));
        accounts += 1;

        // 池田 大輔: keeps failing the browser CAPTCHA.
        let m = roster(
            tx,
            desc,
            &person("池田　大輔", "イケダダイスケ", "1979-08-18", "9901505"),
            0,
            now,
            |_| {},
        )?;
        drive(
            tx,
            cfg,
            jst("2026-06-01T10:00:00"),
            "daisuke.ikeda@example.jp",
            hash,
            &m,
            4,
        )?;
        for i in 0..6 {
            let _ = flows::login::login(
                tx,
                cfg,
                now - 7_200_000 + i * 60_000,
                "198.51.100.7",
                &MemberLoginRequest {
                    email: "daisuke.ikeda@example.jp".into(),
                    password: "kencom2026".into(),
                    client: ClientKind::Browser,
                    captcha_id: None,
                    captcha_answer: None,
                },
            )?;
        }
        notes.push(("池田 大輔".into(), "captcha_escalated".into()));
        accounts += 1;

        // An inquiry that matches nobody.
        inquiry(
            tx,
            now - 7_200_000,
            InquiryType::Registration,
            [
                "ワタナベユウト",
                "yuto.w@example.jp",
                "みなと物産健康保険組合",
                "H11.9.9",
                "新規登録ができません。",
            ],
        )?;
        notes.push((
            "ワタナベユウト (inquiry only)".into(),
            "no_roster_match".into(),
        ));

        // Whitelisted office IP of the DeSC union.
        tx.add_whitelist(desc.0, "192.0.2.1", now)?;
        Ok::<_, ApiError>(())
    })?;
    Ok(DemoNotes { accounts, notes })
}
