//! The category tree: the copy every instance keeps ([`cache`]), the tree offered for new
//! tickets and the admins' whole tree ([`tree`]), and the admins' writes ([`write`]).
pub mod cache;
pub mod routes;
pub mod tree;
pub mod write;
