//! Relations resolve through per-request DataLoaders: the SQL cost of a page does not grow with its size.

use serde_json::json;

use crate::helpers::*;

const PAGE: &str = "query($first: Int!) {
  opportunities(first: $first) {
    nodes {
      reference projectedMonthlyUsd
      projectedConsumption { service monthlyUsd }
      customer { legalName attestations { round vcFirm { name } attestedBy { email } } }
      partner { name regions specialties }
      vcFirm { name }
      filedBy { email }
      decisions { kind reviewer { email } }
      creditGrant { faceValueUsd }
    }
  }
}";

#[tokio::test]
async fn a_page_costs_the_same_number_of_statements_whatever_its_size() {
    // A page of 100 with every relation costs far more than the default complexity limit of 1,000.
    let app = TestApp::spawn_with(&[("ACEGATE_MAX_COMPLEXITY", "10000")]).await;
    let token = app.login_for_counting(ADMIN).await;
    let mut costs = Vec::new();
    // The first five demo records already have every relation (partner- and VC-filed, decisions, grants,
    // attestations), so from there on only the number of rows grows.
    for first in [5, 10, 100] {
        let before = app.statements();
        let response = app
            .graphql(Some(&token), PAGE, json!({ "first": first }))
            .await;
        assert!(response.get("errors").is_none(), "{response}");
        let returned = response["data"]["opportunities"]["nodes"]
            .as_array()
            .unwrap()
            .len();
        assert!(
            returned >= first.min(15) as usize,
            "the demo data fills the page"
        );
        costs.push(app.statements() - before);
    }
    // A relation loaded at two depths may be fetched in one batch or two depending on timing, hence the slack of
    // one; a query per row would add dozens.
    let (min, max) = (*costs.iter().min().unwrap(), *costs.iter().max().unwrap());
    assert!(
        max - min <= 1,
        "statements per page of 5, 10, 100: {costs:?}"
    );
    assert!(
        max <= 16,
        "one statement per relation, not per row: {costs:?}"
    );
}
