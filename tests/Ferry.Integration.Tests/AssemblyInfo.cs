// The integration tests drive Linux binaries, Unix file modes and Debian packages.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
