using Aigis.Cli;

return await AigisCli.RunAsync(args, Console.Out, Console.Error);
