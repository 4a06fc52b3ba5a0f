// The header is the whole module; this file gives SwiftPM a source to compile.
