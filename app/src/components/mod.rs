pub mod form;
pub mod header;
pub mod practice;
