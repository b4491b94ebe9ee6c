//! yuanqu-app
