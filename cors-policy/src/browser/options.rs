//! Which browser the model plays: [`BrowserOptions`] and its [`Flavor`].

/// Which browser the model plays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Flavor {
    /// The Fetch standard as written.
    #[default]
    Spec,
    /// Chromium 156 as observed on this machine (headless, loopback), where it differs from
    /// the standard:
    /// - a header name the script sets twice is combined into one header (`a, b`) before the
    ///   CORS-safelist checks (so two 100-byte `Content-Language` values make a 202-byte,
    ///   unsafe one) and is sent as one line;
    /// - a script's `User-Agent` is dropped silently, as if forbidden (crbug.com/571722);
    /// - `Access-Control-Allow-Headers: *` covers `authorization` too (the "CORS non-wildcard
    ///   request-header name" rule is not enforced).
    Chromium,
}

/// Options for parts of the browser that vary. [`BrowserOptions::default`] is the standard;
/// [`BrowserOptions::chromium`] is what `explain` wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BrowserOptions {
    /// Spec or Chromium behaviour where they differ.
    pub flavor: Flavor,
    /// Behave as a browser with Private Network Access (WICG): preflight every cross-origin
    /// request, send `Access-Control-Request-Private-Network: true`, and require
    /// `Access-Control-Allow-Private-Network: true` in the answer. Off by default: the
    /// Chromium on this machine no longer does this.
    pub private_network: bool,
}

impl BrowserOptions {
    /// Chromium 156's flavour, no Private Network Access.
    pub fn chromium() -> Self {
        BrowserOptions {
            flavor: Flavor::Chromium,
            private_network: false,
        }
    }

    /// Sets the flavour.
    #[must_use]
    pub fn flavor(mut self, flavor: Flavor) -> Self {
        self.flavor = flavor;
        self
    }

    /// Turns Private Network Access on or off.
    #[must_use]
    pub fn private_network(mut self, on: bool) -> Self {
        self.private_network = on;
        self
    }
}
