# styles: model=CharRNN() name=decoder input=(4, 20):long input=(2, 4, 128)
"""Character-level GRU language model (spro/char-rnn.pytorch style): forward(input, hidden) returns (output, hidden)."""

import torch
import torch.nn as nn


class CharRNN(nn.Module):
    def __init__(self, input_size=100, hidden_size=128, output_size=100, n_layers=2):
        super(CharRNN, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.n_layers = n_layers

        self.encoder = nn.Embedding(input_size, hidden_size)
        self.rnn = nn.GRU(hidden_size, hidden_size, n_layers, batch_first=True)
        self.decoder = nn.Linear(hidden_size, output_size)

    def forward(self, input, hidden):
        encoded = self.encoder(input)
        output, hidden = self.rnn(encoded, hidden)
        output = self.decoder(output.reshape(-1, self.hidden_size))
        return output, hidden

    def init_hidden(self, batch_size):
        return torch.zeros(self.n_layers, batch_size, self.hidden_size)


if __name__ == "__main__":
    decoder = CharRNN()
    hidden = decoder.init_hidden(4)
    inp = torch.zeros(4, 20, dtype=torch.long)
    output, hidden = decoder(inp, hidden)
    print(output.shape, hidden.shape)
