//! yuanqu-office
