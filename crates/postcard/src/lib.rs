//! Hagaki PDF rendering with the Japan Post customer barcode.
