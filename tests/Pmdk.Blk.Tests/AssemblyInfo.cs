// The tests run on Linux only (Debian PMDK oracle, flock, /dev/shm).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
