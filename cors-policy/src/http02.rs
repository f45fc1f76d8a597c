//! `http` 0.2's header map (feature `http02`) for the shared
//! [`adapter`](crate::adapter): what hyper 0.14, warp 0.3 and other stacks
//! still on `http` 0.2 read requests from and write responses into, with
//! [`Request::from_headers`](crate::Request::from_headers) and
//! [`Decision::write_to`](crate::Decision::write_to).

use http02::header::{HeaderMap, HeaderName, HeaderValue};

crate::adapter::impl_for_header_map!(HeaderMap, HeaderName, HeaderValue);
