//! What a panic said, from the payload a joined thread hands back.

use std::any::Any;

/// The panic's message (`panic!` with a literal gives a `&str`, with arguments a `String`),
/// or "no message" for any other payload.
pub fn of(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn literal_formatted_and_other_payloads() {
        let said = |f: fn()| super::of(&*std::thread::spawn(f).join().unwrap_err());
        let literal = said(|| panic!("plain"));
        let formatted = said(|| panic!("{} users", 3));
        let other = said(|| std::panic::panic_any(7_u8));
        assert_eq!(
            (literal.as_str(), formatted.as_str(), other.as_str()),
            ("plain", "3 users", "no message")
        );
    }
}
