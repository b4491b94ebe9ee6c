mod id_card;
mod identity;
mod layering;
mod uscc;
