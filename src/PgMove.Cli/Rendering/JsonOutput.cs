using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PgMove.Cli.Rendering;

/// <summary>How every --json document is written: camelCase names, seconds for durations, enums as words.</summary>
internal static class JsonOutput
{
    /// <summary>
    /// The relaxed encoder writes quotes, &lt;, &gt;, &amp; and non-ASCII text as they are (only what JSON requires is
    /// escaped): the output goes to files and tools like jq, never into an HTML page, and \u0022 in an error
    /// message or a definition only made it harder to read.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new SecondsConverter(), new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type t, JsonSerializerOptions o) => TimeSpan.FromSeconds(reader.GetDouble());
        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions o) => writer.WriteNumberValue(Math.Round(value.TotalSeconds, 3));
    }
}
