//! 組合設定 through the desk against a real seeded central server: an insurer admin manages
//! their own union's maintenance windows, IP whitelist (CIDR) and postcard printing, and
//! nothing of another union.
mod support;

use kencom_desk_core::views::MaintenanceInput;
use support::{desk, sign_in_input, Central};

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_manages_maintenance_whitelist_and_printing_of_their_union_only() {
    let central = Central::start().await;
    let (desk, _host) = desk();
    desk.sign_in(sign_in_input(&central, "admin-sakura"))
        .await
        .unwrap();
    let mine = desk.insurers().await.unwrap();
    assert_eq!(mine.len(), 1, "an admin sees only their union");
    let id = mine[0].id;

    let err = desk
        .add_maintenance(
            id,
            MaintenanceInput {
                starts_at: "2030-01-02T09:00".into(),
                ends_at: "2030-01-01T09:00".into(),
                note: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("endsAt"));
    let v = desk
        .add_maintenance(
            id,
            MaintenanceInput {
                starts_at: "2030-01-01T22:00".into(),
                ends_at: "2030-01-02T06:00".into(),
                note: "名簿システム入替".into(),
            },
        )
        .await
        .unwrap();
    let w = v
        .maintenance
        .iter()
        .find(|w| w.note == "名簿システム入替")
        .unwrap();
    assert!(
        w.starts_at.starts_with("2030-01-01T13:00"),
        "JST → UTC: {}",
        w.starts_at
    );
    let v = desk.delete_maintenance(id, w.id).await.unwrap();
    assert!(v.maintenance.iter().all(|x| x.id != w.id));

    let err = desk
        .add_whitelist(id, "192.0.2.0/33".into())
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("ip"));
    let v = desk
        .add_whitelist(id, "198.51.100.7/24".into())
        .await
        .unwrap();
    let e = v
        .whitelist
        .iter()
        .find(|e| e.ip == "198.51.100.0/24")
        .expect("the server stores the network address");
    let v = desk.delete_whitelist(id, e.id).await.unwrap();
    assert!(v.whitelist.iter().all(|x| x.id != e.id));

    let v = desk.set_postcard_printing(id, true).await.unwrap();
    assert!(v.desk_prints_postcards);
    let v = desk.set_postcard_printing(id, false).await.unwrap();
    assert!(!v.desk_prints_postcards);

    let other = if id == 1 { 2 } else { 1 };
    assert!(desk.set_postcard_printing(other, true).await.is_err());
    assert!(desk.add_whitelist(other, "192.0.2.1".into()).await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_reads_and_verifies_the_audit_log_an_agent_cannot() {
    let central = Central::start().await;
    let (desk, _host) = desk();
    desk.sign_in(sign_in_input(&central, "super01"))
        .await
        .unwrap();
    let page = desk
        .audit_page(kencom_api::operator::AuditQueryParams {
            action: Some("operator.login".into()),
            per_page: Some(5),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(page.total >= 1, "the supervisor's own sign-in is audited");
    assert!(page.items.iter().all(|e| e.action == "operator.login"));
    let bad = desk
        .audit_page(kencom_api::operator::AuditQueryParams {
            per_page: Some(500),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field.as_deref(), Some("perPage"));
    let v = desk.verify_audit().await.unwrap();
    assert!(v.ok && v.checked > 0, "{v:?}");

    let (agent, _h) = desk_for_agent(&central).await;
    assert!(agent.verify_audit().await.is_err());
}

async fn desk_for_agent(
    central: &Central,
) -> (kencom_desk_core::Desk, std::sync::Arc<support::TestHost>) {
    let (d, h) = desk();
    d.sign_in(sign_in_input(central, "agent02")).await.unwrap();
    (d, h)
}
