mod identity;
mod layering;
mod uscc;
