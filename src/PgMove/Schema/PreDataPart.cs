namespace PgMove.Schema;

/// <summary>Which part of a pre-data restore in pieces an item runs (see SchemaArchive.RestoreAsync).</summary>
public enum PreDataPart
{
    /// <summary>The whole section.</summary>
    All,

    /// <summary>Piece 0 without what depends on tables, then the tables' pieces: what the rows need.</summary>
    Tables,

    /// <summary>The rest of piece 0: what depends on the tables, default privileges, database comments and grants.</summary>
    Rest,
}
