using System.Diagnostics;
using System.Globalization;

namespace Ferry.Bench.Infrastructure;

/// <summary>Signals by process id, through kill(1) as the integration tests do.</summary>
internal static class Signals
{
    public static void Terminate(int pid) => Send("-TERM", pid);

    public static void Kill(int pid) => Send("-KILL", pid);

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Send(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        });
        kill?.WaitForExit();
    }
}
