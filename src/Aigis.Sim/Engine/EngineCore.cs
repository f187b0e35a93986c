using Aigis.Sim.Engine.KvCache;

namespace Aigis.Sim.Engine;

/// <summary>
/// An LLM server's engine as a pure state machine: continuous batching with chunked prefill, a paged KV cache with
/// prefix caching, and preemption by recomputation. Time is a number passed in; the engine never reads a clock,
/// so the same code runs in real time behind <c>aigis-sim</c> and in virtual time inside benchmarks.
/// </summary>
/// <remarks>
/// Each <see cref="Step"/> schedules as vLLM's v1 scheduler does: running requests first, in arrival order, each
/// taking what it still needs (one token when decoding, a chunk of its prompt when prefilling) out of the step's
/// token budget; a request that cannot get KV blocks preempts the most recently admitted running request, which
/// frees its blocks and goes back to the head of the queue to be recomputed. Then, if nothing was preempted,
/// waiting requests are admitted in order while the batch, the budget and the cache allow, each reusing the cached
/// blocks of its prompt's longest cached prefix. The step's duration follows <see cref="StepCostModel"/>.
/// Not thread-safe: one driver owns it.
/// </remarks>
internal sealed class EngineCore
{
    private readonly EngineOptions _options;
    private readonly BlockPool _pool;
    private readonly LinkedList<EngineRequest> _waiting = new();
    private readonly List<EngineRequest> _running = [];
    private readonly List<(EngineRequest Request, int Tokens)> _scheduled = [];
    private readonly StepResult _result = new();

    public EngineCore(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _pool = new BlockPool(options.TotalBlocks);
    }

    public EngineOptions Options => _options;

    public int RunningCount => _running.Count;

    public int WaitingCount => _waiting.Count;

    public bool HasWork => _running.Count > 0 || _waiting.Count > 0;

    /// <summary>Share of KV blocks referenced by requests, 0 to 1 (vLLM's kv_cache_usage_perc).</summary>
    public double KvCacheUsage => (double)_pool.UsedBlocks / _pool.TotalBlocks;

    /// <summary>Prompt tokens looked up in the prefix cache at admission, and how many were found.</summary>
    public long PrefixQueryTokens { get; private set; }

    public long PrefixHitTokens { get; private set; }

    public long PreemptionCount { get; private set; }

    /// <summary>True when a request of this size can ever run (its prompt and answer fit in the whole cache).</summary>
    public bool Fits(int promptTokens, int maxOutputTokens) => (long)promptTokens + maxOutputTokens <= _options.MaxModelTokens;

    public void Add(EngineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Fits(request.PromptTokens, request.MaxOutputTokens))
        {
            throw new ArgumentException($"A request of {request.PromptTokens}+{request.MaxOutputTokens} tokens exceeds the KV cache of {_options.MaxModelTokens} tokens.", nameof(request));
        }

        request.State = EngineRequestState.Waiting;
        _waiting.AddLast(request);
    }

    /// <summary>Drops a request (its client went away) and frees its blocks.</summary>
    public void Abort(EngineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.State == EngineRequestState.Waiting)
        {
            _waiting.Remove(request);
        }
        else if (request.State == EngineRequestState.Running)
        {
            _running.Remove(request);
            _pool.Release(request.Blocks);
        }
        else
        {
            return;
        }

        request.State = EngineRequestState.Aborted;
    }

    /// <summary>Runs one step starting at <paramref name="nowMs"/>. The result is reused by the next call.</summary>
    public StepResult Step(double nowMs)
    {
        _result.Reset(nowMs);
        _scheduled.Clear();
        var budget = _options.MaxBatchedTokens;
        var preempted = ScheduleRunning(ref budget);
        if (!preempted)
        {
            AdmitWaiting(ref budget);
        }

        if (_scheduled.Count == 0)
        {
            return _result;
        }

        var prefillTokens = 0;
        var decodeSequences = 0;
        long decodeContext = 0;
        foreach (var (request, tokens) in _scheduled)
        {
            if (tokens == 1 && request.IsDecoding)
            {
                decodeSequences++;
                decodeContext += request.ComputedTokens;
            }
            else
            {
                prefillTokens += tokens;
            }
        }

        _result.PrefillTokens = prefillTokens;
        _result.DecodeSequences = decodeSequences;
        _result.EndMs = nowMs + _options.Cost.StepMs(prefillTokens, decodeSequences, decodeContext);
        Apply(_result.EndMs);
        return _result;
    }

    private bool ScheduleRunning(ref int budget)
    {
        var preempted = false;
        for (var i = 0; i < _running.Count && budget > 0; i++)
        {
            var request = _running[i];
            var tokens = Math.Min(request.TargetTokens - request.ComputedTokens, budget);
            while (!TryGrow(request, request.ComputedTokens + tokens))
            {
                var victim = _running[^1];
                Preempt(victim);
                preempted = true;
                if (victim == request)
                {
                    return true;
                }
            }

            _scheduled.Add((request, tokens));
            budget -= tokens;
        }

        return preempted;
    }

    private void AdmitWaiting(ref int budget)
    {
        var blockSize = _options.BlockSize;
        while (budget > 0 && _waiting.First is { } head && _running.Count < _options.MaxRunningRequests)
        {
            var request = head.Value;
            var hashes = request.PromptBlockHashes.AsSpan();
            var hitBlocks = _pool.CountCachedPrefix(hashes);

            // At least the last token is always computed: it is what produces the next token.
            var cachedTokens = Math.Min(hitBlocks * blockSize, request.TargetTokens - 1);
            var tokens = Math.Min(request.TargetTokens - cachedTokens, budget);
            var freshBlocks = Math.Max(0, BlocksFor(cachedTokens + tokens) - hitBlocks);
            if (_pool.FreeBlocks - _pool.CountFreeAmongCached(hashes, hitBlocks) < freshBlocks)
            {
                // Head-of-line waits for running requests to free blocks, as in vLLM.
                break;
            }

            for (var block = 0; block < hitBlocks; block++)
            {
                request.Blocks.Add(_pool.AcquireCached(hashes[block]));
            }

            for (var block = 0; block < freshBlocks; block++)
            {
                request.Blocks.Add(_pool.AllocateFresh());
            }

            request.ComputedTokens = cachedTokens;
            request.CachedPromptTokens = Math.Min(cachedTokens, request.PromptTokens);
            PrefixQueryTokens += request.PromptTokens;
            PrefixHitTokens += request.CachedPromptTokens;
            _waiting.RemoveFirst();
            request.State = EngineRequestState.Running;
            _running.Add(request);
            _scheduled.Add((request, tokens));
            budget -= tokens;
        }
    }

    private void Apply(double endMs)
    {
        var blockSize = _options.BlockSize;
        var anyFinished = false;
        foreach (var (request, tokens) in _scheduled)
        {
            var before = request.ComputedTokens;
            request.ComputedTokens += tokens;
            var hashes = request.PromptBlockHashes;
            var firstNewFull = before / blockSize;
            var fullNow = Math.Min(request.ComputedTokens / blockSize, hashes.Length);
            for (var block = firstNewFull; block < fullNow; block++)
            {
                _pool.Register(request.Blocks[block], hashes[block]);
            }

            if (request.ComputedTokens < request.TargetTokens)
            {
                continue;
            }

            bool finished;
            if (request.MaxOutputTokens == 0)
            {
                finished = true;
            }
            else
            {
                request.OutputTokens++;
                finished = request.OutputTokens >= request.MaxOutputTokens;
            }

            request.FirstTokenMs ??= endMs;
            _result.Events.Add(new TokenEvent(request, finished));
            if (finished)
            {
                request.State = EngineRequestState.Finished;
                request.FinishedMs = endMs;
                _pool.Release(request.Blocks);
                anyFinished = true;
            }
        }

        if (anyFinished)
        {
            _running.RemoveAll(static r => r.State != EngineRequestState.Running);
        }
    }

    private bool TryGrow(EngineRequest request, int tokens)
    {
        var missing = BlocksFor(tokens) - request.Blocks.Count;
        if (missing <= 0)
        {
            return true;
        }

        if (_pool.FreeBlocks < missing)
        {
            return false;
        }

        for (var i = 0; i < missing; i++)
        {
            request.Blocks.Add(_pool.AllocateFresh());
        }

        return true;
    }

    private void Preempt(EngineRequest victim)
    {
        _running.RemoveAt(_running.Count - 1);
        _pool.Release(victim.Blocks);
        victim.ComputedTokens = 0;
        victim.Preemptions++;
        victim.State = EngineRequestState.Waiting;
        _waiting.AddFirst(victim);
        _result.Preempted.Add(victim);
        PreemptionCount++;
    }

    private int BlocksFor(int tokens) => (tokens + _options.BlockSize - 1) / _options.BlockSize;
}
