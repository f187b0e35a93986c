using System.Diagnostics;
using System.Globalization;

namespace Aigis.Deployers;

/// <summary>
/// The tiny supervisor every replica runs under, so that no replica outlives aigis, however aigis ends.
/// </summary>
/// <remarks>
/// <para>
/// Why a wrapper at all: when aigis is killed with SIGKILL (or crashes, or is OOM-killed) it runs no code, so
/// it cannot stop its children. Linux's <c>PR_SET_PDEATHSIG</c> would let the kernel signal them, but it fires
/// when the <em>thread</em> that forked the child exits, and .NET starts processes from thread-pool threads that
/// come and go, so it would kill healthy replicas at random. What does end reliably with aigis is its file
/// descriptors: the kernel closes them all when the process dies in any way. So each replica runs under
/// <c>/bin/sh</c> whose stdin is a pipe that aigis holds open and never writes to; the script stops the replica
/// when that pipe reaches end-of-file. Aigis stops a replica the same way (it closes the pipe), so the path
/// that protects against a crash is the one every ordinary stop exercises.
/// </para>
/// <para>
/// Why a shell script: <c>/bin/sh</c> and <c>setsid</c> (util-linux, or busybox) are on every Linux system aigis
/// runs on, start in a millisecond and cost no memory worth counting, where a second .NET process per replica
/// would cost tens of megabytes and a runtime start. The script is one constant, reviewed once; what varies (the
/// command, its arguments, the grace period) is passed as positional parameters, never spliced into the script,
/// so no argument is ever interpreted by the shell.
/// </para>
/// <para>
/// What it does. It starts the command with <c>setsid</c>, in a new session and so a new process group whose id
/// is the command's pid (a background job of a non-interactive shell is never a group leader, so <c>setsid</c>
/// execs in place instead of forking): signals sent to that group reach everything the command started, and
/// terminal signals meant for aigis (Ctrl-C, hangup) never reach it. A background reader blocks on the pipe from
/// aigis; at end-of-file it sends SIGTERM to the group, polls for up to the grace period, then sends SIGKILL.
/// SIGTERM sent to the script itself (by an operator or a service manager) runs the same sequence. The script
/// ignores SIGINT and SIGHUP, set after the command has started so the command keeps its own handlers: aigis
/// gets those and stops its replicas in order; it also ignores SIGPIPE, so that announcing the pid to an aigis
/// that has just died cannot kill it. The reader is in place before the script prints anything. When the
/// command exits by itself, the script kills whatever is left of its group, ends the reader, and exits with the
/// command's status, which aigis reads as the replica's. The line the script prints is the command's pid, so
/// aigis can report and signal the real process. If the script itself is killed, the reader outlives it, and
/// aigis closes the pipe of every supervisor that exits, so the command's group is stopped then. The command
/// itself does not wait for that: it is started through <c>setpriv --pdeathsig KILL</c> (util-linux), so the
/// kernel kills it the moment its parent, this single-threaded shell, dies in any way, SIGKILL included (the
/// thread caveat above concerns .NET parents, not <c>sh</c>). Where <c>setpriv</c> is missing the script runs the
/// command without it and relies on the reader alone, as before.
/// </para>
/// <para>
/// Limits: the parent-death signal covers the command, not processes it started (the reader's group kill covers
/// those); if the shell dies in the instant between starting the command and <c>setpriv</c> setting the signal,
/// the command is left to the reader, which aigis wakes by closing the pipe as soon as it sees the supervisor
/// exit. In that instant the command may not yet lead its own group (<c>setsid</c> has not run), so the reader
/// signals its pid when no group of that id exists; nothing has been started by it yet. A process that leaves the group on purpose (calls <c>setsid</c> itself, as daemons do) escapes it;
/// confining those needs cgroups, which the Docker and Kubernetes runtimes provide. The reader polls with
/// <c>sleep 0.1</c> (GNU coreutils and busybox accept fractions), which can outlive the script by 0.1s.
/// </para>
/// </remarks>
internal static class SupervisorScript
{
    /// <summary>The line prefix the script announces the command's pid with; it is not logged as output.</summary>
    public const string PidAnnouncement = "aigis-supervisor: command pid ";

    // $0: the replica name (it shows in ps); $1: the grace period in tenths of a second; $2...: the command and its arguments.
    public const string Text = """
        ticks=$1; shift
        exec 3<&0 </dev/null
        if command -v setpriv >/dev/null 2>&1; then
          setsid setpriv --pdeathsig KILL -- "$@" 3<&- &
        else
          setsid "$@" 3<&- &
        fi
        child=$!
        trap '' INT HUP PIPE
        stop_group() {
          target="-$child"
          kill -0 "$target" 2>/dev/null || target=$child
          kill -TERM "$target" 2>/dev/null || return 0
          n=0
          while kill -0 "$target" 2>/dev/null; do
            if [ "$n" -ge "$ticks" ]; then kill -KILL "$target" 2>/dev/null; return 0; fi
            sleep 0.1; n=$((n + 1))
          done
        }
        { while read -r _; do :; done; stop_group; } <&3 >/dev/null 2>&1 &
        reader=$!
        exec 3<&-
        trap '(stop_group) >/dev/null 2>&1 &' TERM
        echo "aigis-supervisor: command pid $child"
        while :; do
          wait "$child"; status=$?
          kill -0 "$child" 2>/dev/null || break
        done
        kill -KILL "-$child" 2>/dev/null
        kill "$reader" 2>/dev/null
        exit "$status"
        """;

    /// <summary>The start info that runs <paramref name="launch"/> under the supervisor, with every stream redirected.</summary>
    public static ProcessStartInfo StartInfo(string replicaName, ReplicaLaunch launch, TimeSpan gracePeriod)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            // Aigis never writes to stdin: the open pipe is the replica's lifeline, and closing it stops the replica.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Text);
        info.ArgumentList.Add("aigis-replica-" + replicaName);
        info.ArgumentList.Add(Math.Max(1, (int)Math.Ceiling(gracePeriod.TotalMilliseconds / 100)).ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(launch.FileName);
        foreach (var argument in launch.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in launch.Environment)
        {
            info.Environment[name] = value;
        }

        return info;
    }
}
