//! The current instant: the system clock, unless a test has set it.

use std::sync::{Arc, PoisonError, RwLock};

use time::OffsetDateTime;

/// The current instant: the system clock, unless a test has set it. Cheap to
/// clone; clones share the setting.
#[derive(Debug, Clone, Default)]
pub struct Clock(Arc<RwLock<Option<OffsetDateTime>>>);

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or_else(OffsetDateTime::now_utc)
    }

    /// Fixes the clock at `at` (tests); `None` goes back to the system clock.
    pub fn set(&self, at: Option<OffsetDateTime>) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = at;
    }
}
