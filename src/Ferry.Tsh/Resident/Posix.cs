using System.Runtime.InteropServices;

namespace Ferry.Tsh.Resident;

/// <summary>
/// The two POSIX calls .NET has no API for: leaving the terminal's session (so Ctrl-C in the shell that ran
/// <c>tsh aws</c> does not stop the resident proxy with it) and sending SIGTERM (Process.Kill only sends SIGKILL).
/// </summary>
internal static partial class Posix
{
    private const int SigTerm = 15;

    /// <summary>Starts a new session with no controlling terminal; false where that is not possible (Windows, a group leader).</summary>
    public static bool DetachFromTerminal() => !OperatingSystem.IsWindows() && setsid() >= 0;

    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && kill(pid, SigTerm) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
