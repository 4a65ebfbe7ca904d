// The owner of the shared precompiled header (cmake/precompiled.h); compiles
// to nothing.
