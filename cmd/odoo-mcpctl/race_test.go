//go:build race

package main

// raceBuild makes the end-to-end tests build their binaries with -race
// too, so a race in the daemon's process fails the test that ran it.
const raceBuild = true
