pub mod confirm;
pub mod csv_drop;
pub mod details;
pub mod form;
pub mod header;
pub mod pager;
pub mod practice;
pub mod template_field;
