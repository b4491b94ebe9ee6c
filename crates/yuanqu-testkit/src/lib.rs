//! yuanqu-testkit
