using System.Net.Sockets;
using System.Security.Authentication;
using Ferry.Core.Errors;
using Npgsql;

namespace Ferry.Storage.Postgres;

/// <summary>
/// Turns what Npgsql and the server report into <see cref="FerryException"/>s an operator can act on: each names the
/// teleport.yaml key (<see cref="PostgresConnectionString.Setting"/>), the target without its password, what went
/// wrong and the next step. Driver and server messages are quoted only where they cannot hold the password (server
/// messages never do; Npgsql's connection errors name host and port only).
/// SQLSTATE codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
/// </summary>
internal static class PostgresErrors
{
    /// <summary>Serialization failure and deadlock: the server rolled the transaction back, so it may run again.</summary>
    public static bool IsRetryableConflict(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    /// <summary>
    /// The connection failed or the server is going away or starting (a restart, a failover): nothing of an open
    /// transaction can have committed, and a new connection may work.
    /// </summary>
    public static bool IsConnectionFailure(Exception exception) => exception switch
    {
        PostgresException server => server.SqlState.StartsWith("08", StringComparison.Ordinal)
            || server.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException driver => driver.IsTransient || driver.InnerException is IOException or SocketException or TimeoutException,
        _ => false,
    };

    /// <summary>A failure to open the store (connect, log in, create the schema), described for the operator.</summary>
    public static FerryException Opening(Exception exception, PostgresConnectionString target)
    {
        var where = $"{target.Setting} ({target.Display})";
        if (exception is PostgresException server)
        {
            return server.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification => FerryException.AccessDenied(
                    $"PostgreSQL at {target.Hosts} refused the login of user \"{target.User}\" to database \"{target.Database}\" ({server.MessageText}); " +
                    $"check the user and password of {where}: the password comes from the URI, PGPASSWORD or ~/.pgpass"),
                PostgresErrorCodes.InvalidCatalogName => FerryException.BadParameter(
                    $"database \"{target.Database}\" does not exist on PostgreSQL at {target.Hosts}; create it " +
                    $"(CREATE DATABASE {target.Database} OWNER {target.User}) or fix the database name in {where}"),
                PostgresErrorCodes.InsufficientPrivilege => FerryException.AccessDenied(
                    $"user \"{target.User}\" may not create or use Ferry's tables in database \"{target.Database}\" ({server.MessageText}); " +
                    $"make it the database's owner (ALTER DATABASE {target.Database} OWNER TO {target.User}) as docs/storage-postgres.md says, " +
                    $"or fix the user in {where}"),
                _ when IsConnectionFailure(server) => Unreachable(target, where, server.MessageText, server),
                _ => FerryException.Unavailable(
                    $"PostgreSQL at {target.Hosts} failed while opening {where}: {server.MessageText} (SQLSTATE {server.SqlState})", server),
            };
        }

        if (TlsProblem(exception, target) is { } tls)
        {
            return FerryException.Unavailable($"cannot open a verified TLS connection to PostgreSQL at {target.Hosts} for {where}: {tls}", exception);
        }

        return Unreachable(target, where, Cause(exception), exception);
    }

    /// <summary>A failure of a statement once the store is open: the server's words, or the lost connection.</summary>
    public static FerryException Operation(Exception exception, PostgresConnectionString target, string operation) => exception switch
    {
        PostgresException server when !IsConnectionFailure(server) => FerryException.Unavailable(
            $"storage {operation} failed on PostgreSQL ({target.Setting}): {server.MessageText} (SQLSTATE {server.SqlState}); retry later", server),
        _ => FerryException.Unavailable(
            $"storage {operation} failed: PostgreSQL at {target.Hosts} ({target.Setting}) cannot be reached ({Cause(exception)}); retry later", exception),
    };

    /// <summary>The connection broke while COMMIT was under way: the server may or may not have applied the write.</summary>
    public static FerryException OutcomeUnknown(Exception exception, PostgresConnectionString target, string operation) => FerryException.Unavailable(
        $"storage {operation}: the connection to PostgreSQL at {target.Hosts} ({target.Setting}) was lost while the change was being committed, " +
        $"so it may or may not have been applied ({Cause(exception)}); read the key again before retrying", exception);

    private static FerryException Unreachable(PostgresConnectionString target, string where, string cause, Exception exception) => FerryException.Unavailable(
        $"cannot reach PostgreSQL at {target.Hosts} for {where}: {cause}; check that the server runs and that host and port are right", exception);

    private static string? TlsProblem(Exception exception, PostgresConnectionString target)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("No SSL enabled connection", StringComparison.OrdinalIgnoreCase))
            {
                return $"the server does not accept TLS, but sslmode is {SslModeName(target.Settings.SslMode)}; " +
                    "turn on ssl in the server's postgresql.conf, or (only on a trusted network) lower sslmode";
            }

            if (e is AuthenticationException)
            {
                var root = target.Settings.RootCertificate is { } path ? $"the CA in sslrootcert ({path})" : "the system's trusted CAs";
                return $"the server's certificate did not verify against {root} for the host name it was reached by ({e.Message}); " +
                    "point sslrootcert at the CA that issued the server's certificate, and connect by a name the certificate holds";
            }
        }

        return null;
    }

    private static string SslModeName(SslMode mode) => mode switch
    {
        SslMode.VerifyFull => "verify-full",
        SslMode.VerifyCA => "verify-ca",
        _ => mode.ToString().ToLowerInvariant(),
    };

    /// <summary>The innermost useful reason: "connection refused", "timed out", the server's own words.</summary>
    private static string Cause(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused",
                        SocketError.HostNotFound or SocketError.NoData => "the host name is not known",
                        SocketError.TimedOut => "the connection timed out",
                        _ => socket.Message,
                    };
                case TimeoutException:
                    return "the connection timed out";
                case PostgresException server:
                    return server.MessageText;
            }
        }

        return exception.Message;
    }
}
