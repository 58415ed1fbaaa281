//! Parsing 10,000 pasted addresses in `shared` (the budget: under 20 ms).

use criterion::{criterion_group, criterion_main, Criterion};
use shared::addresses::{parse_list, tally};

fn pasted(n: usize) -> String {
    let separators = [", ", ";", " ", "\n", "; "];
    (0..n)
        .map(|i| {
            format!(
                "Person{i}.Name@Example{}.org{}",
                i % 97,
                separators[i % separators.len()]
            )
        })
        .collect()
}

fn parse_10k(c: &mut Criterion) {
    let text = pasted(10_000);
    assert_eq!(tally(&parse_list(&text).unwrap()).valid, 10_000);
    c.bench_function("parse 10,000 pasted addresses", |b| {
        b.iter(|| parse_list(std::hint::black_box(&text)).unwrap())
    });
}

criterion_group!(benches, parse_10k);
criterion_main!(benches);
