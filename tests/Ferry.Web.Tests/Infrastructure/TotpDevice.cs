using OtpNet;

namespace Ferry.Web.Tests.Infrastructure;

/// <summary>
/// An authenticator app for one enrolled secret. Ferry refuses a code whose time step was already used (replay
/// protection) and accepts one step of drift either way, so each call returns the code of the earliest step that is
/// both unused and acceptable now, waiting for the clock when every acceptable step is spent.
/// </summary>
internal sealed class TotpDevice
{
    private const int StepSeconds = 30;
    private readonly Totp _totp;
    private long _lastUsedStep;

    public TotpDevice(string base32Secret)
    {
        Secret = base32Secret.Replace(" ", "", StringComparison.Ordinal);
        _totp = new Totp(Base32Encoding.ToBytes(Secret));
    }

    public string Secret { get; }

    public async Task<string> NextCodeAsync()
    {
        while (true)
        {
            var current = CurrentStep();
            var step = Math.Max(_lastUsedStep + 1, current);
            if (step <= current + 1)
            {
                _lastUsedStep = step;
                return _totp.ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * StepSeconds).UtcDateTime);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static long CurrentStep() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / StepSeconds;
}
