/// Namespace for PNML and Promela conversion (filled in by the interop work).
public enum Interop {}
