using Ferry.Core.Errors;
using Ferry.Storage.Postgres;
using Npgsql;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>teleport.yaml's postgresql:// URIs turned into Npgsql settings, and what an operator is told about bad ones.</summary>
public sealed class PostgresConnectionStringTests
{
    private const string Setting = "teleport.storage.conn_string";

    [Fact]
    public void Parse_TheGuidesForm_GivesHostPortDatabaseUserAndTls()
    {
        var parsed = PostgresConnectionString.Parse("postgresql://ferry@db.example.com:5432/ferry_backend?sslmode=verify-full", Setting);

        var settings = parsed.Settings;
        Assert.Equal(("db.example.com", 5432, "ferry_backend", "ferry"), (settings.Host, settings.Port, settings.Database, settings.Username));
        Assert.Equal(SslMode.VerifyFull, settings.SslMode);
        Assert.Null(settings.Password);
        Assert.Equal("ferry", settings.ApplicationName);
        Assert.Equal("db.example.com:5432", parsed.Hosts);
    }

    [Fact]
    public void Parse_EveryPart_IsPercentDecodedAndMapped()
    {
        var parsed = PostgresConnectionString.Parse(
            "postgres://us%40er:p%3Ass%2Fw0rd@[::1]:6543/my%20db?sslmode=verify-ca&sslrootcert=%2Fetc%2Fca.pem&sslcert=/c.pem&sslkey=/k.pem" +
            "&connect_timeout=7&application_name=auth-1&options=-csearch_path%3Dferry&target_session_attrs=read-write", Setting);

        var settings = parsed.Settings;
        Assert.Equal(("us@er", "p:ss/w0rd", "::1", 6543, "my db"), (settings.Username, settings.Password, settings.Host, settings.Port, settings.Database));
        Assert.Equal((SslMode.VerifyCA, "/etc/ca.pem", "/c.pem", "/k.pem"), (settings.SslMode, settings.RootCertificate, settings.SslCertificate, settings.SslKey));
        Assert.Equal((7, "auth-1", "-csearch_path=ferry", "read-write"), (settings.Timeout, settings.ApplicationName, settings.Options, settings.TargetSessionAttributes));
    }

    [Fact]
    public void Parse_DefaultsAsLibpq_Port5432AndDatabaseNamedAfterTheUser()
    {
        var parsed = PostgresConnectionString.Parse("postgresql://ferry@db", Setting);

        Assert.Equal(5432, parsed.Settings.Port);
        Assert.Equal("ferry", parsed.Database);
        Assert.Equal(SslMode.Prefer, parsed.Settings.SslMode);
    }

    [Fact]
    public void Parse_SeveralHosts_GivesNpgsqlAFailoverList()
    {
        var parsed = PostgresConnectionString.Parse("postgresql://ferry@db1:5433,db2/ferry?port=5434", Setting);

        Assert.Equal("db1:5433,db2:5434", parsed.Settings.Host);
    }

    [Fact]
    public void Display_LeavesOutThePassword()
    {
        var parsed = PostgresConnectionString.Parse("postgresql://ferry:s3cret@db:5432/ferry?sslmode=require&sslpassword=k3y&password=s3cret", Setting);

        Assert.Equal("postgresql://ferry@db:5432/ferry?sslmode=require", parsed.Display);
        Assert.Equal("s3cret", parsed.Settings.Password);
    }

    [Theory]
    [InlineData("host=db user=ferry", "not a postgresql:// URI")]
    [InlineData("mysql://ferry@db/x", "not a postgresql:// URI")]
    [InlineData("postgresql://db:5432/ferry", "names no user")]
    [InlineData("postgresql://ferry@/ferry", "names no host")]
    [InlineData("postgresql://ferry@db:70000/ferry", "port \"70000\"")]
    [InlineData("postgresql://ferry@db/ferry?sslmode=verify_full", "sslmode \"verify_full\"")]
    [InlineData("postgresql://ferry@db/ferry?ssl_mode=require", "unknown parameter \"ssl_mode\"")]
    [InlineData("postgresql://ferry@[::1/ferry", "IPv6")]
    public void Parse_Unusable_NamesTheSettingAndTheProblem(string uri, string problem)
    {
        var error = Assert.Throws<FerryException>(() => PostgresConnectionString.Parse(uri, Setting));

        Assert.Equal(ErrorKind.BadParameter, error.Kind);
        Assert.Contains(Setting, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadPercentEncodingInThePassword_DoesNotEchoIt()
    {
        var error = Assert.Throws<FerryException>(() => PostgresConnectionString.Parse("postgresql://ferry:%zzsecret@db/ferry", Setting));

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
