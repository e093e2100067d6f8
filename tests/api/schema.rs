#[test]
fn the_committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists at the repository root");
    assert!(
        committed == acegate::graphql::sdl(),
        "schema.graphql has drifted from the code: run `cargo run -- export-schema` and commit the result"
    );
}
