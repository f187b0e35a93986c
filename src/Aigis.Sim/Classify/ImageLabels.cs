namespace Aigis.Sim.Classify;

/// <summary>The fixed label set of the simulated classifier: fifty ImageNet-style class names.</summary>
/// <remarks>The order is part of the output contract: a seed and an image map to the same labels in every version.</remarks>
internal static class ImageLabels
{
    public static IReadOnlyList<string> All { get; } =
    [
        "tabby cat", "tiger cat", "Egyptian cat", "golden retriever", "Labrador retriever",
        "German shepherd", "Siberian husky", "goldfish", "great white shark", "hen",
        "ostrich", "bald eagle", "tree frog", "loggerhead turtle", "African elephant",
        "red panda", "giant panda", "koala", "zebra", "monarch butterfly",
        "ladybug", "sports car", "school bus", "mountain bike", "airliner",
        "container ship", "steam locomotive", "fire engine", "tractor", "espresso",
        "pizza", "cheeseburger", "banana", "Granny Smith", "strawberry",
        "broccoli", "bagel", "acoustic guitar", "grand piano", "laptop",
        "desktop computer", "cellular telephone", "digital clock", "umbrella", "backpack",
        "running shoe", "sunglasses", "teddy bear", "lighthouse", "volcano",
    ];
}
