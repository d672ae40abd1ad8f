using Ferry.Core.Errors;
using Npgsql;

namespace Ferry.Storage.Postgres;

/// <summary>
/// Versioned schema steps, run on every start. ferry_schema_version holds one row per component (the backend, the
/// audit log), so both may share one database. Two auth servers may start at once: the first statement of the
/// migration transaction takes a transaction-scoped advisory lock, so one of them migrates while the other waits and
/// then finds the work done; each step is idempotent (IF NOT EXISTS) as well, so a step interrupted before its
/// version was recorded runs again safely. A database whose version is newer than this binary knows is refused.
/// A schema that is already current runs no DDL at all, so a role that may use the tables but not create them works.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key of migrations ("Ferry" and 1), apart from every other key Ferry takes.</summary>
    public const long MigrationLock = 0x4665727279_0001;

    private const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS ferry_schema_version (
            component text    NOT NULL PRIMARY KEY,
            version   integer NOT NULL
        );
        """;

    /// <summary>Brings <paramref name="component"/> to the last of <paramref name="steps"/> (step i creates version i + 1); returns that version.</summary>
    public static async ValueTask<int> MigrateAsync(NpgsqlConnection connection, string component, IReadOnlyList<string> steps, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock});", cancellationToken);

        var found = 0;
        if (await ScalarAsync<bool>(connection, transaction, "SELECT to_regclass('ferry_schema_version') IS NOT NULL;", cancellationToken))
        {
            await using var read = new NpgsqlCommand("SELECT version FROM ferry_schema_version WHERE component = @component;", connection, transaction);
            read.Parameters.AddWithValue("component", component);
            found = await read.ExecuteScalarAsync(cancellationToken) is int version ? version : 0;
        }
        else
        {
            await ExecuteAsync(connection, transaction, CreateVersionTable, cancellationToken);
        }

        if (found > steps.Count)
        {
            throw FerryException.Unavailable(
                $"the {component} schema in database \"{connection.Database}\" has version {found}, newer than the {steps.Count} this Ferry understands; upgrade Ferry");
        }

        if (found < steps.Count)
        {
            for (var step = found; step < steps.Count; step++)
            {
                await ExecuteAsync(connection, transaction, steps[step], cancellationToken);
            }

            await using var record = new NpgsqlCommand("""
                INSERT INTO ferry_schema_version (component, version) VALUES (@component, @version)
                ON CONFLICT (component) DO UPDATE SET version = excluded.version;
                """, connection, transaction);
            record.Parameters.AddWithValue("component", component);
            record.Parameters.AddWithValue("version", steps.Count);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return steps.Count;
    }

    private static async ValueTask ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async ValueTask<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
