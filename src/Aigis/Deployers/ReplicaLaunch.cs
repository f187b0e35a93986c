namespace Aigis.Deployers;

/// <summary>One start of one replica, fully resolved: the executable, its arguments and extra environment.</summary>
internal sealed record ReplicaLaunch(string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment);
