# styles: model=RNNModel("GRU",1000,64,128,2) name=model input=(35, 4):long
"""pytorch/examples' word language model with tied weights and nhid != emsize: the decoder takes the
encoder's (ntoken, ninp) weight, so it expects ninp features, not the GRU's nhid."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class RNNModel(nn.Module):
    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=True):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)  # expect: CNL001
        if tie_weights:
            self.decoder.weight = self.encoder.weight

    def forward(self, input):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb)
        decoded = self.decoder(self.drop(output))
        return F.log_softmax(decoded.view(-1, self.ntoken), dim=1)


if __name__ == "__main__":
    model = RNNModel("GRU", 1000, 64, 128, 2)
    data = torch.randint(0, 1000, (35, 4))
    print(model(data).shape)
