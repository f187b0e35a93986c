using System.Collections.Frozen;

namespace Aigis.Core.Security.Tokenizing;

/// <summary>The words the SQL tokenizer knows, by kind (case-insensitive), across MySQL, PostgreSQL, SQL Server, Oracle and SQLite.</summary>
internal static class SqlKeywords
{
    private static readonly FrozenDictionary<string, SqlTokenKind> s_words = Build();

    /// <summary>Functions an injection uses to wait, read files or leak data, and that prose does not put before '('.</summary>
    private static readonly FrozenSet<string> s_dangerous = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "sleep", "benchmark", "pg_sleep", "load_file", "extractvalue", "updatexml", "xp_cmdshell", "randomblob", "dbms_pipe",
        "utl_inaddr", "utl_http", "load_extension", "pg_read_file", "name_const", "make_set", "dbms_lock", "sys_eval", "sys_exec");

    private static readonly FrozenSet<string> s_functions = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "concat", "concat_ws", "group_concat", "char", "chr", "ascii", "substring", "substr", "mid", "version", "database", "user",
        "current_user", "system_user", "session_user", "if", "ifnull", "isnull", "nullif", "coalesce", "count", "cast", "convert", "hex", "unhex", "md5",
        "sha1", "exp", "floor", "rand", "elt", "json_extract", "row", "length", "ord", "lower", "upper", "left", "right", "reverse",
        "schema", "db_name", "user_name", "host_name", "suser_name", "iif", "instr", "locate", "position", "replace", "repeat",
        "space", "string_agg", "to_char", "xmltype", "ctxsys", "extract", "now", "sysdate", "current_database", "pg_user",
        "dbms_xmlgen", "dbms_utility", "sqlite_version", "char_length", "bin", "oct", "conv", "exists", "any", "waitfor",
        "sleep", "benchmark", "pg_sleep", "load_file", "extractvalue", "updatexml", "xp_cmdshell", "randomblob", "dbms_pipe",
        "utl_inaddr", "utl_http", "load_extension", "pg_read_file", "name_const", "make_set", "dbms_lock", "sys_eval", "sys_exec");

    public static bool IsFunction(ReadOnlySpan<char> word) => s_functions.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);

    public static bool IsDangerous(ReadOnlySpan<char> word) => s_dangerous.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);

    public static SqlTokenKind Classify(ReadOnlySpan<char> word) =>
        s_words.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out var kind) ? kind : SqlTokenKind.Name;

    private static FrozenDictionary<string, SqlTokenKind> Build()
    {
        var words = new Dictionary<string, SqlTokenKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var w in "select insert update delete drop exec execute declare create alter truncate shutdown merge waitfor".Split(' '))
        {
            words[w] = SqlTokenKind.Statement;
        }

        words["union"] = SqlTokenKind.Union;
        foreach (var w in "and or xor".Split(' '))
        {
            words[w] = SqlTokenKind.Logic;
        }

        foreach (var w in "like rlike regexp is in between div mod sounds not".Split(' '))
        {
            words[w] = SqlTokenKind.Operator;
        }

        foreach (var w in "true false null".Split(' '))
        {
            words[w] = SqlTokenKind.Number;
        }

        foreach (var w in "from where table into set order group by having limit offset values all distinct procedure delay as join case when then else end top analyse".Split(' '))
        {
            words[w] = SqlTokenKind.Keyword;
        }

        return words.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
