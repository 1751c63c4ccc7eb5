//! The diff against the central roster: each outcome, field-by-field changes, and the rule
//! that a central member absent from the file (or given a 資格喪失日) loses qualification.

use chrono::NaiveDate;
use kencom_domain::{CardBranch, CardNumber, CardSymbol, InsurerNumber};
use kencom_roster::{
    diff, DiffEntry, Field, FieldChange, LostReason, Relationship, RosterDiff, RosterRow, Sex,
};

fn row(number: &str) -> RosterRow {
    RosterRow {
        insurer: InsurerNumber::parse("06133425").unwrap(),
        symbol: CardSymbol::parse("12").unwrap(),
        number: CardNumber::parse(number).unwrap(),
        branch: Some(CardBranch::parse("00").unwrap()),
        kanji_name: "山田太郎".into(),
        kana_name: "ヤマダタロウ".into(),
        sex: Some(Sex::Male),
        birth_date: NaiveDate::from_ymd_opt(1980, 4, 1).unwrap(),
        relationship: Relationship::Insured,
        relation_name: "本人".into(),
        acquired_on: NaiveDate::from_ymd_opt(2002, 4, 1),
        lost_on: None,
        voluntary_continuation: false,
        special_retiree: false,
        postal_code: Some("1000013".into()),
        address: "東京都千代田区".into(),
    }
}

#[test]
fn each_outcome_is_counted_and_listed() {
    let mut already_lost = row("5");
    already_lost.lost_on = NaiveDate::from_ymd_opt(2020, 1, 1);
    let central = vec![row("1"), row("2"), row("3"), row("4"), already_lost];

    let mut moved = row("2");
    moved.address = "大阪府大阪市".into();
    moved.postal_code = Some("5300001".into());
    let mut leaving = row("3");
    leaving.lost_on = NaiveDate::from_ymd_opt(2024, 3, 31);
    let file = vec![row("1"), moved, leaving, row("9")];

    let report = diff(central, file);
    assert_eq!(report.counts.added, 1);
    assert_eq!(report.counts.changed, 1);
    assert_eq!(
        report.counts.lost, 2,
        "row 3 by 資格喪失日, row 4 by absence"
    );
    assert_eq!(
        report.counts.unchanged, 2,
        "row 1, and row 5 which was already lost centrally"
    );
    assert_eq!(report.added[0].number.as_str(), "9");
    match &report.changed[0] {
        DiffEntry::Changed { changes, .. } => assert_eq!(
            changes,
            &vec![
                FieldChange {
                    field: Field::PostalCode,
                    before: "1000013".into(),
                    after: "5300001".into()
                },
                FieldChange {
                    field: Field::Address,
                    before: "東京都千代田区".into(),
                    after: "大阪府大阪市".into()
                },
            ]
        ),
        other => panic!("expected a change, got {other:?}"),
    }
    let reasons: Vec<(String, LostReason)> = report
        .lost
        .iter()
        .map(|e| match e {
            DiffEntry::Lost { key, reason, .. } => (key.number.as_str().to_owned(), reason.clone()),
            other => panic!("expected a loss, got {other:?}"),
        })
        .collect();
    assert!(reasons.contains(&(
        "3".into(),
        LostReason::LostOn(NaiveDate::from_ymd_opt(2024, 3, 31).unwrap())
    )));
    assert!(reasons.contains(&("4".into(), LostReason::Absent)));
}

#[test]
fn the_key_is_the_full_number_and_the_branch() {
    let mut dependent = row("1");
    dependent.branch = Some(CardBranch::parse("01").unwrap());
    dependent.relationship = Relationship::Dependent;
    let report = diff(vec![row("1")], vec![row("1"), dependent, row("01")]);
    assert_eq!(report.counts.unchanged, 1);
    assert_eq!(
        report.counts.added, 2,
        "another 枝番, and 番号 01 (leading zero kept), are different people"
    );
}

#[test]
fn a_repeated_central_key_in_the_file_is_not_counted_twice() {
    let mut d = RosterDiff::new(vec![row("1")]);
    assert!(matches!(d.push(row("1")), DiffEntry::Unchanged { .. }));
    assert!(matches!(
        d.push(row("1")),
        DiffEntry::DuplicateInFile { .. }
    ));
    let (counts, rest) = d.finish();
    assert!(rest.is_empty());
    assert_eq!((counts.unchanged, counts.duplicates), (1, 1));
}
