using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ferry.Hosting;

/// <summary>
/// Long-lived requests (watch feeds, agent tunnels, streamed passthroughs) end when the server starts to stop,
/// instead of holding shutdown for the whole drain timeout: each request's RequestAborted also fires on
/// ApplicationStopping. Short requests finish as usual.
/// </summary>
public static class ShutdownAwareRequests
{
    /// <summary>Backstop for anything that ignores cancellation.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    public static WebApplicationBuilder UseFerryShutdown(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        return builder;
    }

    public static IApplicationBuilder UseStopAbortsRequests(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use(async (context, next) =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            context.RequestAborted = linked.Token;
            await next(context);
        });
    }
}
