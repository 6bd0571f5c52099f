"""File rules (`envdoctor lint`, codes ED501-ED599): one module per family, each rule a pure
function of a `FileContext`, registered with `envdoctor.rules.rule(..., scope="file")`."""
