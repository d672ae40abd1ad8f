namespace Ferry.Storage.Tests.Postgres;

/// <summary>
/// Every PostgreSQL test class belongs here: one cluster for the run, and the classes run one after another (some
/// restart the server or end sessions).
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
