// The browser tests drive Linux binaries and Debian's chromium.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
