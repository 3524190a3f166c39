using PgMove.Sql;

namespace PgMove.Catalog;

/// <summary>A sequence and, once read under the snapshot, its position.</summary>
public sealed record SequenceInfo(string Schema, string Name, long LastValue, bool IsCalled)
{
    public string QualifiedName => Quote.Qualified(Schema, Name);
}
