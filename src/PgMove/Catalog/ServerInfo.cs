namespace PgMove.Catalog;

/// <summary>What pgmove needs to know about a server and the user it connects as.</summary>
/// <param name="VersionNum">server_version_num, e.g. 150018.</param>
/// <param name="Version">server_version as the server prints it.</param>
/// <param name="ClusterKey">An identity of the running cluster (system identifier when readable, else start time and port).</param>
/// <param name="CurrentUser">The role the session connected as.</param>
/// <param name="IsSuperuser">The role is a superuser.</param>
/// <param name="CanCreateDatabase">The role has CREATEDB (or is a superuser).</param>
public sealed record ServerInfo(
    int VersionNum,
    string Version,
    string ClusterKey,
    string CurrentUser,
    bool IsSuperuser,
    bool CanCreateDatabase)
{
    /// <summary>The major version: 15 for 15.4, 9 for 9.6 (both are enough for pg_dump's rule).</summary>
    public int Major => VersionNum / 10000;
}
