using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Logging;

/// <summary>One log event as one line. Exceptions are logged as type and message, not stack traces, unless FERRY_DEBUG=1.</summary>
internal static class LogLineFormatter
{
    private static readonly bool Debug = Environment.GetEnvironmentVariable("FERRY_DEBUG") == "1";

    public static string Text(DateTimeOffset time, string category, LogLevel level, string message, Exception? exception)
    {
        var builder = new StringBuilder(128);
        builder.Append(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
            .Append(' ').Append(Severity(level).PadRight(5))
            .Append(" [").Append(ShortCategory(category)).Append("] ")
            .Append(message);
        if (exception is not null)
        {
            builder.Append(" error=\"").Append(Describe(exception)).Append('"');
        }

        return builder.ToString();
    }

    public static string Json(DateTimeOffset time, string category, LogLevel level, EventId eventId, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>>? state)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", time.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
            json.WriteString("level", Severity(level).ToLowerInvariant());
            json.WriteString("component", ShortCategory(category));
            json.WriteString("message", message);
            if (eventId.Id != 0)
            {
                json.WriteNumber("event_id", eventId.Id);
            }

            foreach (var (key, value) in state ?? [])
            {
                if (key == "{OriginalFormat}" || value is null)
                {
                    continue;
                }

                json.WriteString(ToSnakeCase(key), Convert.ToString(value, CultureInfo.InvariantCulture));
            }

            if (exception is not null)
            {
                json.WriteString("error", Describe(exception));
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Describe(Exception exception) => Debug ? exception.ToString() : $"{exception.GetType().Name}: {exception.Message}";

    private static string Severity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };

    private static string ShortCategory(string category) => category.StartsWith("Ferry.", StringComparison.Ordinal) ? category[6..] : category;

    private static string ToSnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
