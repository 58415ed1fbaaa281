//! A practice's community (product.md §5, §8): people who join to take part
//! and choose whether their readings count in its anonymous figures.

pub mod health;
