//! AZ-02: object-level isolation between zones and between enterprises.

use yuanqu_testkit::matrix::{World, uncovered};

#[tokio::test]
async fn az02_two_tenant_matrix_other_tenants_ids_are_404_and_leave_their_rows_unchanged() {
    let w = World::new().await.unwrap();
    let failures = w.run().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn az02_every_id_taking_route_is_in_the_matrix() {
    assert_eq!(uncovered(), Vec::<String>::new(), "add these operations to yuanqu_testkit::matrix::ID_OPERATIONS");
}
